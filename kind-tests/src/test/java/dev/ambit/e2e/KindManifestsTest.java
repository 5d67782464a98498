package dev.ambit.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The sample apps run.sh deploys parse, and hold what DemoOutcomes talks to. */
class KindManifestsTest {

    @Test
    void manifestsHoldTheDemosObjects() throws IOException {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("manifests"))) {
            for (Path file : files.sorted().toList()) {
                Object parsed = new KubernetesSerialization().unmarshal(Files.readString(file));
                List<HasMetadata> objects = parsed instanceof KubernetesList list ? list.getItems()
                        : parsed instanceof List<?> list ? list.stream().map(HasMetadata.class::cast).toList()
                        : List.of((HasMetadata) parsed);
                objects.forEach(object -> kinds.merge(object.getKind(), 1, Integer::sum));
            }
        }
        assertEquals(Map.of("AuthorizationPolicy", 1, "Deployment", 5, "Gateway", 1, "HTTPRoute", 1, "Namespace", 2,
                "PeerAuthentication", 1, "Service", 4, "ServiceAccount", 3, "TrafficPolicy", 1), kinds);
    }
}
