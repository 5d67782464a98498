package dev.ambit.nodeagent.cli;

import dev.ambit.nodeagent.agent.NodeAgent;
import dev.ambit.nodeagent.agent.NodeAgentSettings;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.ztunnel.controlplane.ControlPlaneOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code node-agent run}: the DaemonSet's process. Runs until SIGTERM, then drains. */
@Command(name = "run", description = "Run the node agent: eBPF steering, the node tunnel and the config stream.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME}", required = true,
            description = "The node this agent serves (default: $NODE_NAME).")
    private String nodeName;

    @Option(names = "--node-ip", defaultValue = "${env:NODE_IP}", required = true,
            description = "This node's address: pods are redirected to it (:15001), peers reach the tunnel on it"
                    + " (:15008) (default: $NODE_IP).")
    private InetAddress nodeIp;

    @Option(names = "--listen-address", defaultValue = "0.0.0.0",
            description = "Address the tunnel's listeners bind to (default: ${DEFAULT-VALUE}).")
    private InetAddress listenAddress;

    @Mixin
    private ControlPlaneOptions controlPlane;

    @Option(names = "--pods-cgroup",
            description = "cgroup v2 directory holding this node's pods (default: the kubelet's kubepods cgroup).")
    private Path podsCgroup;

    @Option(names = "--pin-root", description = "bpffs directory of the agent's pins (default: ${DEFAULT-VALUE}).")
    private Path pinRoot = RedirectorConfig.DEFAULT_PIN_ROOT;

    @Option(names = "--socket-fast-path",
            description = "Pass data between same-node pods and the tunnel through a sockhash (sk_msg) instead of"
                    + " the TCP/IP stack.")
    private boolean socketFastPath;

    @Option(names = "--drain-deadline", defaultValue = "PT30S",
            description = "On SIGTERM, how long open connections may finish, ISO-8601 (default: ${DEFAULT-VALUE}).")
    private Duration drainDeadline;

    @Override
    public Integer call() throws InterruptedException {
        NodeAgent agent = NodeAgent.start(new NodeAgentSettings(nodeName, nodeIp, listenAddress,
                controlPlane.settings(), Optional.ofNullable(podsCgroup), pinRoot, socketFastPath, drainDeadline));
        agent.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
