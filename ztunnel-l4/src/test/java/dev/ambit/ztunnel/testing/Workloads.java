package dev.ambit.ztunnel.testing;

import dev.ambit.runtime.testing.Loopback;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Workloads for tests, named after their service account. */
public final class Workloads {

    private Workloads() {
    }

    public static Workload ambient(String namespace, String name, String node, InetAddress address,
            InetSocketAddress tunnel) {
        return new Workload("uid-" + name, NamespacedName.of(namespace, name), TestCa.identity(namespace, name), node,
                List.of(address), DataplaneMode.AMBIENT, Optional.of(tunnel), Optional.empty(), Map.of("app", name),
                name, "v1", List.of());
    }

    public static Workload outsideMesh(String namespace, String name, String node, InetAddress address) {
        return new Workload("uid-" + name, NamespacedName.of(namespace, name), TestCa.identity(namespace, name), node,
                List.of(address), DataplaneMode.NONE, Optional.empty(), Optional.empty(), Map.of("app", name),
                name, "v1", List.of());
    }

    public static InetAddress loopback(int last) {
        return Loopback.address(last);
    }
}
