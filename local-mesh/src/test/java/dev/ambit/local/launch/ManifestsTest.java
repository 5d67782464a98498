package dev.ambit.local.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.launch.Manifests.LocalNode;
import dev.ambit.local.launch.Manifests.LocalPod;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

import dev.ambit.local.launch.Manifests.LocalGateway;
import dev.ambit.local.launch.Manifests.LocalListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the local mesh's "kubelet" reads from the demo's YAML: Nodes and Pods with their addresses of both families,
 * and beyond them ingress Gateways, Secrets, ConfigMaps.
 */
class ManifestsTest {

    private static final Manifests DEMO = Manifests.read(Path.of("..", "examples", "demo"));

    @Test
    void theIngressPodRunsItsGatewaysListenersWithTheirCertificateSecrets() {
        LocalGateway gateway = DEMO.ingressGatewayOf(DEMO.pod("edge", "public")).orElseThrow();
        assertEquals("edge/public", gateway.namespace() + "/" + gateway.name());
        assertEquals(List.of(new LocalListener("http", "HTTP", 80, "*", List.of()),
                new LocalListener("hello", "HTTPS", 443, "hello.example.com", List.of("hello-tls")),
                new LocalListener("shop", "HTTPS", 443, "shop.example.com", List.of("shop-tls"))),
                gateway.listeners());
        assertTrue(DEMO.ingressGatewayOf(DEMO.pod("demo", "waypoint")).isEmpty(), "a waypoint is no ingress");
    }

    @Test
    void secretsAreDecodedAsAKubeletMountsThem() {
        Map<String, byte[]> secret = DEMO.secret("edge", "hello-tls");
        assertTrue(new String(secret.get("tls.crt"), StandardCharsets.UTF_8).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(new String(secret.get("tls.key"), StandardCharsets.UTF_8).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertThrows(IllegalArgumentException.class, () -> DEMO.secret("edge", "missing"));
    }

    @Test
    void nginxMountsItsConfigMap() {
        String site = DEMO.configMapOf(DEMO.pod("demo", "nginx")).get("default.conf");
        assertTrue(site.contains("proxy_pass http://10.96.0.10:8080;"), site);
        assertEquals(Map.of(), DEMO.configMapOf(DEMO.pod("demo", "client")), "mounts none");
    }

    @Test
    void theDemosPodsAreDualStackAndItsNodesNumberedByTheirIpv4Address() {
        LocalPod hello = DEMO.pod("demo", "hello-v1");
        assertEquals("10.244.1.11", hello.ip());
        assertEquals(Optional.of("fd00:10:244:1::11"), hello.ipv6());
        assertEquals(List.of("10.244.1.11", "fd00:10:244:1::11"), hello.ips());
        assertTrue(DEMO.pods().stream().allMatch(pod -> pod.ipv6().isPresent()), "every demo pod has both families");
        assertEquals(List.of(new LocalNode("node1", 1), new LocalNode("node2", 2)), DEMO.nodes());
    }

    @Test
    void aPodWithPodIpOnlyIsIpv4OnlyAndANodesIpv6InternalIpMayComeFirst(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("00-node.yaml"), node("fd00:10::3", "10.10.0.3"));
        Files.writeString(dir.resolve("10-pods.yaml"), pod("old", "  podIP: 10.244.3.20\n") + "---\n"
                + pod("new", "  podIP: 10.244.3.21\n  podIPs:\n    - ip: 10.244.3.21\n    - ip: fd00:10:244:3::21\n"));
        Manifests manifests = Manifests.read(dir);
        assertEquals(List.of(new LocalNode("node3", 3)), manifests.nodes());
        assertEquals(Optional.empty(), manifests.pod("demo", "old").ipv6());
        assertEquals(List.of("10.244.3.20"), manifests.pod("demo", "old").ips());
        assertEquals(Optional.of("fd00:10:244:3::21"), manifests.pod("demo", "new").ipv6());
    }

    @Test
    void anIpv6AddressOutsideItsNodesRangeIsRefusedNamingTheFileAndPod(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("00-node.yaml"), node("10.10.0.3", "fd00:10::3"));
        Path pods = dir.resolve("10-pods.yaml");
        Files.writeString(pods, pod("misplaced", "  podIP: 10.244.3.20\n  podIPs:\n    - ip: 10.244.3.20\n"
                + "    - ip: fd00:10:244:1::20\n"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Manifests.read(dir));
        assertEquals(pods + ": Pod demo/misplaced has address fd00:10:244:1::20, which is not in its node node3's"
                + " pod range fd00:10:244:3::/64", refused.getMessage());

        Files.writeString(pods, pod("misplaced", "  podIP: 10.244.1.20\n"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Manifests.read(dir)).getMessage()
                .endsWith("Pod demo/misplaced has address 10.244.1.20, which is not in its node node3's pod range"
                        + " 10.244.3.0/24"), "the same for IPv4");
    }

    @Test
    void podIpsNeedOneIpv4AddressAndAtMostOneIpv6Address(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("00-node.yaml"), node("10.10.0.3"));
        Path pods = dir.resolve("10-pods.yaml");
        Files.writeString(pods, pod("v6only", "  podIPs:\n    - ip: fd00:10:244:3::20\n"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Manifests.read(dir)).getMessage()
                .contains("Pod v6only has addresses [fd00:10:244:3::20]; in local mode it needs one IPv4 address"));
        Files.writeString(pods, pod("mismatch", "  podIP: 10.244.3.21\n  podIPs:\n    - ip: 10.244.3.20\n"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Manifests.read(dir)).getMessage()
                .contains("Pod mismatch has status.podIP 10.244.3.21, which is not the first of status.podIPs"));
    }

    private static String node(String... internalIps) {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: Node\nmetadata: {name: node3}\nstatus:\n"
                + "  addresses:\n");
        for (String ip : internalIps) {
            yaml.append("    - type: InternalIP\n      address: ").append(ip).append('\n');
        }
        return yaml.toString();
    }

    private static String pod(String name, String status) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: demo, uid: demo-%s}
                spec:
                  nodeName: node3
                  containers: [{name: app, image: ambit.dev/samples/sleep}]
                status:
                """.formatted(name, name) + status;
    }
}
