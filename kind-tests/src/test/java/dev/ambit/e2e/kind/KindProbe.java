package dev.ambit.e2e.kind;

import dev.ambit.e2e.MeshProbe;
import dev.ambit.testbed.RequestSummary;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The demo on a kind cluster: the request client runs in the pods (exec), metrics come through the pod proxy. */
final class KindProbe implements MeshProbe {

    private static final String SAMPLES_JAR = "/opt/ambit/samples.jar";
    private static final String MESH_NAMESPACE = "ambit-system";

    private final KubernetesClient client;

    KindProbe(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public RequestSummary requests(String pod, String url, int count, String... headers) {
        String[] name = pod.split("/");
        Pod target = client.pods().inNamespace(name[0]).withLabel("app", name[1]).list().getItems().get(0);
        List<String> command = new ArrayList<>(List.of("java", "-cp", SAMPLES_JAR,
                "dev.ambit.local.apps.RequestClient", url, String.valueOf(count)));
        command.addAll(List.of(headers));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExecWatch exec = client.pods().inNamespace(name[0]).withName(target.getMetadata().getName())
                .writingOutput(out).writingError(out).exec(command.toArray(String[]::new))) {
            exec.exitCode().get(count * 11L + 30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("request client in " + pod + " did not finish: " + e, e);
        }
        return RequestSummary.parse(out.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String nodeMetrics(String node) {
        Pod agent = client.pods().inNamespace(MESH_NAMESPACE).withLabel("app.kubernetes.io/name", "ambit-node-agent")
                .withField("spec.nodeName", node).list().getItems().get(0);
        return client.raw(client.getMasterUrl() + "api/v1/namespaces/" + MESH_NAMESPACE + "/pods/"
                + agent.getMetadata().getName() + ":15020/proxy/metrics");
    }

    @Override
    public List<String> nodes() {
        return client.pods().inNamespace("demo").list().getItems().stream().map(pod -> pod.getSpec().getNodeName())
                .distinct().sorted().toList();
    }
}
