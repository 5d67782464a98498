package dev.ambit.local.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.launch.Manifests.LocalGateway;
import dev.ambit.local.launch.Manifests.LocalListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the local mesh's "kubelet" reads from the demo's YAML beyond Pods: ingress Gateways, Secrets, ConfigMaps. */
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
}
