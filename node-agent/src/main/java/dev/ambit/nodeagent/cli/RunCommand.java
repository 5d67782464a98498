package dev.ambit.nodeagent.cli;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.nodeagent.agent.NodeAgent;
import dev.ambit.nodeagent.agent.NodeAgentSettings;
import dev.ambit.nodeagent.agent.NodeIps;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.runtime.controlplane.ControlPlaneOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import dev.ambit.nodeagent.cni.AmbientNamespacesFile;
import dev.ambit.nodeagent.cni.CniServer;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code node-agent run}: the agent's process: steering and enrollment. Runs until SIGTERM; the pins stay. */
@Command(name = "run", description = "Run the node agent: eBPF steering, pod enrollment and its config stream."
        + " The node's tunnel is a separate process (node-agent tunnel).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME}", required = true,
            description = "The node this agent serves (default: $NODE_NAME).")
    private String nodeName;

    @Spec
    private CommandSpec spec;

    private NodeIps nodeIps;

    @Option(names = "--node-ip", defaultValue = "${env:NODE_IP}", required = true, paramLabel = "IP[,IP]",
            description = "This node's address, or on a dual-stack node one per family comma-separated (as"
                    + " status.hostIPs lists them): enrolled pods' connections are redirected to the tunnel's :"
                    + MeshPorts.OUTBOUND + " on the address of their family, and a family without one is not"
                    + " steered (default: $NODE_IP).")
    void nodeIps(String value) {
        try {
            nodeIps = NodeIps.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--node-ip: " + e.getMessage());
        }
    }

    NodeIps nodeIps() {
        return nodeIps;
    }

    @Mixin
    private ControlPlaneOptions controlPlane;

    @Option(names = "--pods-cgroup",
            description = "cgroup v2 directory holding this node's pods (default: the kubelet's kubepods cgroup).")
    private Path podsCgroup;

    @Option(names = "--pin-root", description = "bpffs directory of the agent's pins, which the tunnel reads"
            + " (default: ${DEFAULT-VALUE}).")
    private Path pinRoot = RedirectorConfig.DEFAULT_PIN_ROOT;

    @Option(names = "--socket-fast-path",
            description = "Pass data between same-node pods and the tunnel through a sockhash (sk_msg) instead of"
                    + " the TCP/IP stack.")
    private boolean socketFastPath;

    @Option(names = "--dns-capture", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send enrolled pods' DNS (UDP and TCP port 53, to any server) to the tunnel's DNS proxy on"
                    + " :" + MeshPorts.DNS + "; --no-dns-capture leaves it alone, as it must when the tunnel runs"
                    + " with --no-dns-proxy (default: on).")
    private boolean dnsCapture;

    @Option(names = "--health-address", defaultValue = "0.0.0.0",
            description = "Address of the agent's health endpoint (default: ${DEFAULT-VALUE}).")
    private InetAddress healthAddress;

    @Option(names = "--health-port", defaultValue = "" + NodeAgent.HEALTH_PORT,
            description = "Port of the agent's GET /healthz/ready (default: ${DEFAULT-VALUE}).")
    private int healthPort;

    @Option(names = "--cni-socket", defaultValue = CniServer.DEFAULT_SOCKET,
            description = "Unix domain socket where the CNI plugin asks the agent to enroll a starting pod;"
                    + " empty: none (default: ${DEFAULT-VALUE}).")
    private String cniSocket;

    @Option(names = "--cni-enroll-wait", defaultValue = "PT5S",
            description = "How long a CNI ADD waits for a pod the agent's config does not name yet, before it is"
                    + " refused (default: ${DEFAULT-VALUE}).")
    private Duration cniEnrollWait;

    @Option(names = "--ambient-namespaces-file", defaultValue = AmbientNamespacesFile.DEFAULT_PATH,
            description = "File listing the namespaces with ambient workloads, which the CNI plugin reads when the"
                    + " agent cannot be reached; empty: not written (default: ${DEFAULT-VALUE}).")
    private String ambientNamespacesFile;

    @Override
    public Integer call() throws InterruptedException {
        NodeAgent agent = NodeAgent.start(new NodeAgentSettings(nodeName, nodeIps, controlPlane.settings(),
                Optional.ofNullable(podsCgroup), pinRoot, socketFastPath, dnsCapture,
                new InetSocketAddress(healthAddress, healthPort),
                new NodeAgentSettings.CniSettings(optionalPath(cniSocket), cniEnrollWait,
                        optionalPath(ambientNamespacesFile))));
        agent.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }

    private static Optional<Path> optionalPath(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }
}
