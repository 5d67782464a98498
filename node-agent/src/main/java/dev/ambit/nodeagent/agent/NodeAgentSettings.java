package dev.ambit.nodeagent.agent;

import dev.ambit.ztunnel.controlplane.ControlPlaneSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one node agent runs; every field is a {@code node-agent run} flag (see docs/node-agent.md).
 *
 * @param nodeName       the Kubernetes node (or simulated node) this agent serves
 * @param nodeIp         where enrolled pods are redirected to (port 15001) and where peers reach this tunnel
 * @param listenAddress  what the tunnel's listeners bind to
 * @param controlPlane   how to reach the controller
 * @param podsCgroup     the cgroup v2 subtree holding the node's pods; empty: the kubelet's, found on the host
 * @param pinRoot        the bpffs directory of this agent's pins
 */
public record NodeAgentSettings(
        String nodeName,
        InetAddress nodeIp,
        InetAddress listenAddress,
        ControlPlaneSettings controlPlane,
        Optional<Path> podsCgroup,
        Path pinRoot,
        boolean socketFastPath,
        Duration drainDeadline) {
}
