package dev.ambit.ztunnel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.testing.Workloads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeshNamesTest {

    static final InetAddress CLIENT = Workloads.loopback(2);
    static final InetAddress STRANGER = Workloads.loopback(9);
    static final InetAddress HELLO_VIP = address("10.96.0.10");

    static MeshService service(String namespace, String name, List<InetAddress> vips) {
        return new MeshService(NamespacedName.of(namespace, name), name + "." + namespace + ".svc.cluster.local",
                vips, List.of(new ServicePort("http", 8080, 8080, Optional.empty())), List.of(), Optional.empty(),
                Map.of());
    }

    static TunnelConfig config(MeshService... services) {
        return TunnelConfig.builder()
                .workloads(List.of(Workloads.ambient("demo", "client", "node-a", CLIENT,
                        new InetSocketAddress(CLIENT, 15008))))
                .services(List.of(services))
                .build();
    }

    private final MeshService hello = service("demo", "hello-svc", List.of(HELLO_VIP));
    private final MeshService other = service("other", "hello-svc", List.of(address("10.96.0.11")));
    private final TunnelConfig config = config(hello, other);
    private final MeshNames names = new MeshNames("cluster.local");

    @Test
    void theFullNameAnyCaseWithOrWithoutTheFinalDot() {
        assertEquals(new MeshNames.Service(hello), names.match(config, "hello-svc.demo.svc.cluster.local.", STRANGER));
        assertEquals(new MeshNames.Service(hello), names.match(config, "Hello-Svc.DEMO.svc.cluster.local", STRANGER));
        assertEquals(new MeshNames.Service(other), names.match(config, "hello-svc.other.svc.cluster.local.", CLIENT));
    }

    @Test
    void theSearchPathFormsOfAPod() {
        assertEquals(new MeshNames.Service(hello), names.match(config, "hello-svc.demo.svc.", STRANGER));
        assertEquals(new MeshNames.Service(hello), names.match(config, "hello-svc.demo.", STRANGER));
        assertEquals(new MeshNames.Service(other), names.match(config, "hello-svc.other.", CLIENT));
    }

    @Test
    void aBareNameIsRelativeToTheAskingPodsNamespace() {
        assertEquals(new MeshNames.Service(hello), names.match(config, "hello-svc.", CLIENT));
        // A source the config does not know has no namespace to resolve it in.
        assertEquals(new MeshNames.Outside(), names.match(config, "hello-svc.", STRANGER));
    }

    @Test
    void anUnknownNameUnderTheServiceZoneIsTheClusterDnssToAnswer() {
        assertEquals(new MeshNames.Outside(), names.match(config, "nope.demo.svc.cluster.local.", CLIENT));
        assertEquals(new MeshNames.Outside(), names.match(config, "web-0.db.demo.svc.cluster.local.", CLIENT),
                "a StatefulSet pod's name under its headless service");
        assertEquals(new MeshNames.Outside(), names.match(config, "svc.cluster.local.", CLIENT));
    }

    @Test
    void everythingElseIsForwarded() {
        assertEquals(new MeshNames.Outside(), names.match(config, "example.com.", CLIENT));
        assertEquals(new MeshNames.Outside(), names.match(config, "nope.demo.svc.", CLIENT));
        assertEquals(new MeshNames.Outside(), names.match(config, "cluster.local.", CLIENT));
        assertEquals(new MeshNames.Outside(), names.match(config, "hello-svc.demo.svc.other.domain.", CLIENT));
        assertEquals(new MeshNames.Outside(), names.match(config, ".", CLIENT));
        assertEquals(new MeshNames.Outside(), names.match(config, "", CLIENT));
    }

    @Test
    void anotherClusterDomain() {
        MeshNames custom = new MeshNames("corp.internal");
        assertEquals(new MeshNames.Outside(), custom.match(config, "x.demo.svc.corp.internal.", CLIENT));
        // The service's hostname is what the controller pushed: under cluster.local, not this domain.
        assertEquals(new MeshNames.Outside(), custom.match(config, "hello-svc.demo.svc.cluster.local.", CLIENT));
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
