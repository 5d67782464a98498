package dev.ambit.ztunnel.connections;

import dev.ambit.ztunnel.metrics.ConnectionLabels;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveConnectionsTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 80);
    private static final ConnectionLabels LABELS = ConnectionLabels.of(ConnectionLabels.OUTBOUND, Optional.empty(),
            Optional.empty(), Optional.empty());

    private final LiveConnections connections = new LiveConnections(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void listsAConnectionUntilEitherSideCloses() {
        EmbeddedChannel client = new EmbeddedChannel();
        EmbeddedChannel server = new EmbeddedChannel();
        connections.track(client, server, LiveConnection.Protocol.TCP, CLIENT, SERVER, LABELS);

        List<LiveConnection> open = connections.snapshot();
        assertEquals(1, open.size());
        assertEquals(new LiveConnection(1, LiveConnection.Protocol.TCP, CLIENT, SERVER, LABELS, NOW), open.get(0));

        server.close();
        assertEquals(List.of(), connections.snapshot(), "the server side's close ends it");
        client.close();
        assertEquals(0, connections.size());
    }

    @Test
    void listsConnectionsOldestFirst() {
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        connections.track(first, new EmbeddedChannel(), LiveConnection.Protocol.HBONE, CLIENT, SERVER, LABELS);
        connections.track(second, new EmbeddedChannel(), LiveConnection.Protocol.TCP, SERVER, CLIENT, LABELS);

        assertEquals(List.of(1L, 2L), connections.snapshot().stream().map(LiveConnection::id).toList());
        first.close();
        assertEquals(List.of(2L), connections.snapshot().stream().map(LiveConnection::id).toList());
        second.close();
    }

    @Test
    void aConnectionClosedBeforeItIsTrackedIsNotKept() {
        EmbeddedChannel client = new EmbeddedChannel();
        client.close();
        EmbeddedChannel server = new EmbeddedChannel();
        connections.track(client, server, LiveConnection.Protocol.TCP, CLIENT, SERVER, LABELS);

        assertTrue(connections.snapshot().isEmpty());
        server.close();
    }
}
