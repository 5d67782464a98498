package dev.ambit.cli.dashboard;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.UserException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ambit dashboard}: forwards a port of this machine's loopback to a ready controller pod's monitoring port
 * and prints the service graph's URL, as {@code istioctl dashboard} does, until interrupted (Ctrl-C).
 */
@Command(name = "dashboard", description = "Forward a local port to the controller's monitoring port ("
        + DashboardCommand.CONTROLLER_MONITORING_PORT + ") and print the service graph's URL; Ctrl-C stops.")
public final class DashboardCommand implements Callable<Integer> {

    /** The controller's {@code --metrics-port} in the chart. */
    static final int CONTROLLER_MONITORING_PORT = MeshPorts.CONTROLLER_MONITORING;
    /** How often the forward is checked for failures while it runs. */
    private static final long CHECK_MILLIS = 1000;

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Local port (default: "
            + CONTROLLER_MONITORING_PORT + ", or a free one if that is taken; 0: a free one).")
    private Integer port;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "Namespace of the controller"
            + " (default: the mesh namespace, " + KubernetesCluster.DEFAULT_MESH_NAMESPACE + " unless -m says else).")
    private String namespace;

    public DashboardCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port != null && (port < 0 || port > 65535)) {
            throw new UserException("--port must be between 0 and 65535, not " + port);
        }
        String inNamespace = namespace != null ? namespace : cluster.meshNamespace();
        Pod controller = ControllerPods.readyOne(cluster.client(), inNamespace);
        String name = controller.getMetadata().getName();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int localPort = port != null ? port : freeOr(loopback, CONTROLLER_MONITORING_PORT);
        LocalPortForward forward;
        try {
            forward = cluster.client().pods().inNamespace(inNamespace).withName(name)
                    .portForward(CONTROLLER_MONITORING_PORT, loopback, localPort);
        } catch (RuntimeException e) {
            throw new UserException("cannot listen on " + loopback.getHostAddress() + ":" + localPort + " ("
                    + e.getMessage() + "); choose another with --port, or --port 0 for a free one");
        }
        try (forward) {
            String base = "http://localhost:" + forward.getLocalPort();
            PrintWriter out = spec.commandLine().getOut();
            out.println("Service graph: " + base + "/graph/");
            out.println("  (JSON: " + base + "/graph/api/graph, controller metrics: " + base + "/metrics)");
            out.println("Forwarding " + loopback.getHostAddress() + ":" + forward.getLocalPort() + " to pod " + name
                    + " port " + CONTROLLER_MONITORING_PORT + " in namespace " + inNamespace + "; Ctrl-C to stop.");
            out.flush();
            return forwardUntilInterrupted(forward, name);
        } catch (IOException e) {
            throw new UserException("closing the forward: " + e.getMessage());
        }
    }

    /** Reports each connection the forward failed (a browser retries), and stops when its listener is gone. */
    private int forwardUntilInterrupted(LocalPortForward forward, String pod) {
        PrintWriter err = spec.commandLine().getErr();
        int reported = 0;
        try {
            while (forward.isAlive()) {
                Thread.sleep(CHECK_MILLIS);
                List<Throwable> failures = new ArrayList<>(forward.getClientThrowables());
                failures.addAll(forward.getServerThrowables());
                for (Throwable failure : failures.subList(Math.min(reported, failures.size()), failures.size())) {
                    err.println("ambit dashboard: a forwarded connection to " + pod + " failed: "
                            + failure.getMessage());
                }
                reported = Math.max(reported, failures.size());
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        throw new UserException("the forward to " + pod + " stopped");
    }

    /** {@code preferred} if nothing listens on it, else 0 (a free port the system picks). */
    static int freeOr(InetAddress address, int preferred) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(address, preferred));
            return preferred;
        } catch (IOException taken) {
            return 0;
        }
    }
}
