package dev.ambit.nodeagent.cli;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.nodeagent.agent.NodeAgent;
import dev.ambit.nodeagent.agent.NodeAgentSettings;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.ztunnel.controlplane.ControllerAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
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

    @Option(names = "--controller", defaultValue = "ambit-controller.ambit-system.svc:15010",
            description = "The controller's config stream (default: ${DEFAULT-VALUE}).")
    private String controller;

    @Option(names = "--ca", defaultValue = "ambit-controller.ambit-system.svc:15012",
            description = "The controller's CA (default: ${DEFAULT-VALUE}).")
    private String ca;

    @Option(names = "--token-file", defaultValue = "/var/run/secrets/ambit/token",
            description = "Token presented to the CA: a projected ServiceAccount token, or a local bootstrap token"
                    + " (default: ${DEFAULT-VALUE}).")
    private Path tokenFile;

    @Option(names = "--root-cert", defaultValue = "/var/run/ambit/root-cert.pem",
            description = "The mesh trust bundle, PEM (default: ${DEFAULT-VALUE}).")
    private Path rootCert;

    @Option(names = "--trust-domain", defaultValue = SpiffeId.DEFAULT_TRUST_DOMAIN,
            description = "SPIFFE trust domain (default: ${DEFAULT-VALUE}).")
    private String trustDomain;

    @Option(names = "--root-namespace", defaultValue = WorkloadPolicy.DEFAULT_ROOT_NAMESPACE,
            description = "The mesh's root namespace, where the controller and agents run (default: ${DEFAULT-VALUE}).")
    private String rootNamespace;

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
                ControllerAddress.parse(controller), ControllerAddress.parse(ca), tokenFile, rootCert, trustDomain,
                rootNamespace, Optional.ofNullable(podsCgroup), pinRoot, socketFastPath, drainDeadline));
        agent.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
