package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.tls.CertManager;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * {@code /config_dump}: what the tunnel holds, in one JSON object: its node, the config it decides with, the
 * certificates it holds, and whatever its process adds (e.g. steering and config stream state).
 */
public final class ConfigDump implements JsonSection {

    private static final Set<String> OWN_FIELDS = Set.of("node", "dumpedAt", "config", "certificates");

    private final String node;
    private final Clock clock;
    private final JsonSection config;
    private final JsonSection certificates;
    /** Sections the tunnel's process adds after the start; by name, so the dump's order is stable. */
    private final Map<String, JsonSection> more = new ConcurrentSkipListMap<>();

    public ConfigDump(String node, Supplier<TunnelConfig> config, CertManager certificates, Clock clock) {
        this.node = node;
        this.clock = clock;
        this.config = new TunnelConfigJson(config);
        this.certificates = new CertificatesJson(certificates, clock);
    }

    /** Adds (or replaces) the field {@code name}, written by {@code section} at each dump. */
    public void add(String name, JsonSection section) {
        if (OWN_FIELDS.contains(name)) {
            throw new IllegalArgumentException("the config dump writes \"" + name + "\" itself");
        }
        more.put(name, section);
    }

    @Override
    public void write(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("node", node);
        json.writeStringField("dumpedAt", clock.instant().toString());
        json.writeFieldName("config");
        config.write(json);
        json.writeFieldName("certificates");
        certificates.write(json);
        for (Map.Entry<String, JsonSection> section : more.entrySet()) {
            json.writeFieldName(section.getKey());
            section.getValue().write(json);
        }
        json.writeEndObject();
    }
}
