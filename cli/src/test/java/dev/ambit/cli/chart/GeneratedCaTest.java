package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.control.ca.MeshCa;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The CA the chart generates at install is one the controller accepts ({@code --ca-cert/--ca-key} →
 * {@link MeshCa#fromPem}). helm-java renders no hooks, so the test renders the hook's template as a plain one.
 */
class GeneratedCaTest {

    private static final String HOOK = "templates/controller/ca-secret.yaml";

    @Test
    void generatedCaSecretLoadsAsTheMeshCa() throws IOException {
        try (BundledChart bundled = BundledChart.extract()) {
            Path template = bundled.directory().resolve(HOOK);
            String hook = Files.readString(template);
            assertTrue(hook.contains("helm.sh/hook: pre-install"), "created once, kept by upgrades");
            Files.writeString(template, hook.replaceAll("(?m)^\\s+helm\\.sh/hook.*$\\n", ""));
            Secret secret = RenderedChart.parse(new AmbitChart(bundled.directory()).template(RenderedChart.settings()))
                    .stream().filter(Secret.class::isInstance).map(Secret.class::cast).findFirst().orElseThrow();
            assertEquals("ambit-ca", secret.getMetadata().getName());
            assertEquals("kubernetes.io/tls", secret.getType());
            MeshCa ca = MeshCa.fromPem("cluster.local", decode(secret, "tls.crt"), decode(secret, "tls.key"),
                    MeshCa.DEFAULT_MAX_LEAF_TTL, Clock.systemUTC());
            assertEquals(1, ca.trustBundle().roots().size());
        }
    }

    @Test
    void noCaIsGeneratedWhenTheUserBringsOne() {
        RenderedChart chart = RenderedChart.render("ca.existingSecret", "corp-ca");
        assertTrue(chart.find(Secret.class, "ambit-ca").isEmpty());
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }
}
