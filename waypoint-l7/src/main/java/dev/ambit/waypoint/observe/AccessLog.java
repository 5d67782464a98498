package dev.ambit.waypoint.observe;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the SLF4J logger {@value #LOGGER}, so that deployments route it with their logging
 * config. Carries no credentials: of a JWT only its issuer and subject.
 */
public final class AccessLog {

    public static final String LOGGER = "ambit.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final AccessLogSettings settings;

    public AccessLog(AccessLogSettings settings) {
        this.settings = settings;
    }

    public void write(AccessLogEntry entry) {
        if (!settings.enabled() || !log.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(512).append('{');
        for (Map.Entry<AccessLogField, Object> field : entry.values().entrySet()) {
            if (!settings.fields().contains(field.getKey())) {
                continue;
            }
            if (line.length() > 1) {
                line.append(',');
            }
            appendString(line, field.getKey().jsonName());
            line.append(':');
            Object value = field.getValue();
            if (value instanceof Number) {
                line.append(value);
            } else {
                appendString(line, value.toString());
            }
        }
        log.info(line.append('}').toString());
    }

    private static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
