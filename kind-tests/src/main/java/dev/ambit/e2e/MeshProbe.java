package dev.ambit.e2e;

import dev.ambit.testbed.RequestSummary;
import java.util.List;

/**
 * Where the demo's scenarios run: the local mesh (simulated nodes and pods on one host) or a kind cluster. Both
 * hold the same apps (examples/demo): hello v1/v2/v3 behind {@code hello-svc} in the ambient namespace
 * {@code demo}, the mesh client {@code demo/client} and {@code legacy/outsider} outside the mesh.
 */
public interface MeshProbe {

    /** Runs the request client in {@code pod} ({@code namespace/name}): {@code count} requests to {@code url}. */
    RequestSummary requests(String pod, String url, int count, String... headers);

    /** The node's agent and tunnel metrics (Prometheus text, :15020). */
    String nodeMetrics(String node);

    /** The nodes that run mesh pods. */
    List<String> nodes();
}
