package dev.ambit.nodeagent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.nodeagent.redirect.StrictDrops;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StrictDropMetricsTest {

    private static final Workload HELLO = workload("hello", "demo", DataplaneMode.AMBIENT, "10.244.1.2", "10.244.1.3");
    private static final Workload OUTSIDER = workload("outsider", "legacy", DataplaneMode.NONE, "10.244.2.9");

    @Test
    void kernelPairsAreNamedByTheirWorkloadsAndSummedPerSeries() {
        TunnelConfig config = TunnelConfig.builder().workloads(List.of(HELLO, OUTSIDER)).build();

        Map<List<String>, Long> series = StrictDropMetrics.byLabels(List.of(
                new StrictDrops.Flow(address("10.244.2.9"), address("10.244.1.2"), 3),
                new StrictDrops.Flow(address("10.244.2.9"), address("10.244.1.3"), 2),
                new StrictDrops.Flow(address("192.0.2.7"), address("10.244.1.2"), 1)), config);

        assertEquals(Map.of(
                List.of("inbound", "outsider", "legacy", "spiffe://cluster.local/ns/legacy/sa/outsider", "hello", "demo",
                        "spiffe://cluster.local/ns/demo/sa/hello"), 5L,
                List.of("inbound", "unknown", "unknown", "unknown", "hello", "demo",
                        "spiffe://cluster.local/ns/demo/sa/hello"), 1L), series);
    }

    private static Workload workload(String name, String namespace, DataplaneMode mode, String... ips) {
        return new Workload(name + "-uid", NamespacedName.of(namespace, name + "-1"),
                SpiffeId.of("cluster.local", namespace, name), "node1",
                Arrays.stream(ips).map(StrictDropMetricsTest::address).toList(), mode,
                mode == DataplaneMode.AMBIENT ? Optional.of(new InetSocketAddress(address("10.10.0.1"), 15008))
                        : Optional.empty(),
                Optional.empty(), Map.of(), name, "v1", List.of());
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
