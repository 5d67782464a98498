package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.ztunnel.connections.LiveConnection;
import dev.ambit.ztunnel.connections.LiveConnections;
import dev.ambit.ztunnel.metrics.ConnectionLabels;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The connections the tunnel relays now, oldest first. Who talks to whom is named as the metrics label it, with
 * {@value ConnectionLabels#UNKNOWN} for what the tunnel does not know (a plaintext source, a destination outside the
 * mesh).
 */
public record ConnectionsJson(LiveConnections connections, Clock clock) implements JsonSection {

    @Override
    public void write(JsonGenerator json) throws IOException {
        List<LiveConnection> open = connections.snapshot();
        Instant now = clock.instant();
        json.writeStartObject();
        json.writeNumberField("count", open.size());
        json.writeArrayFieldStart("connections");
        for (LiveConnection connection : open) {
            ConnectionLabels labels = connection.labels();
            json.writeStartObject();
            json.writeNumberField("id", connection.id());
            json.writeStringField("direction", labels.direction());
            json.writeStringField("protocol", connection.protocol().name().toLowerCase(Locale.ROOT));
            json.writeStringField("source", address(connection.source()));
            json.writeStringField("destination", address(connection.destination()));
            json.writeStringField("sourceWorkload", labels.sourceWorkload());
            json.writeStringField("sourceNamespace", labels.sourceNamespace());
            json.writeStringField("sourceIdentity", labels.sourcePrincipal());
            json.writeStringField("destinationWorkload", labels.destinationWorkload());
            json.writeStringField("destinationNamespace", labels.destinationNamespace());
            json.writeStringField("destinationIdentity", labels.destinationPrincipal());
            json.writeStringField("openedAt", connection.opened().toString());
            json.writeNumberField("ageSeconds", Duration.between(connection.opened(), now).toMillis() / 1000.0);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** A channel that closed before it was listed may have no address left: one entry must not fail the page. */
    private static String address(InetSocketAddress address) {
        return address == null ? "unknown" : NetUtil.toSocketAddressString(address);
    }
}
