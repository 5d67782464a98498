package dev.ambit.waypoint.observe;

import java.util.EnumMap;
import java.util.Map;

/** The values of one request's access-log line, filled in as the request goes. */
public final class AccessLogEntry {

    private final Map<AccessLogField, Object> values = new EnumMap<>(AccessLogField.class);

    public AccessLogEntry put(AccessLogField field, Object value) {
        if (value != null) {
            values.put(field, value);
        }
        return this;
    }

    Map<AccessLogField, Object> values() {
        return values;
    }
}
