package dev.ambit.ztunnel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.identity.SpiffeId;
import org.junit.jupiter.api.Test;

class ConnectionLabelsTest {

    private static final SpiffeId WAYPOINT = SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/waypoint");

    @Test
    void aConnectionToAWaypointNamesTheWaypointsIdentityAndNoWorkload() {
        ConnectionLabels toService = new ConnectionLabels(ConnectionLabels.OUTBOUND, "client", "demo",
                "spiffe://cluster.local/ns/demo/sa/client", ConnectionLabels.UNKNOWN, ConnectionLabels.UNKNOWN,
                ConnectionLabels.UNKNOWN);

        ConnectionLabels labels = toService.towardsPeer(WAYPOINT);

        assertEquals(ConnectionLabels.UNKNOWN, labels.destinationWorkload());
        assertEquals("demo", labels.destinationNamespace());
        assertEquals(WAYPOINT.uri(), labels.destinationPrincipal());
    }

    @Test
    void aKnownDestinationKeepsItsOwnIdentity() {
        ConnectionLabels direct = new ConnectionLabels(ConnectionLabels.OUTBOUND, "client", "demo",
                "spiffe://cluster.local/ns/demo/sa/client", "hello", "demo", "spiffe://cluster.local/ns/demo/sa/hello");

        assertEquals(direct, direct.towardsPeer(SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/hello")));
    }
}
