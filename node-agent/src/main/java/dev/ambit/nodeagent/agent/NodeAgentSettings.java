package dev.ambit.nodeagent.agent;

import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How one node agent runs; every field is a {@code node-agent run} flag (see docs/node-agent.md).
 *
 * @param nodeName       the Kubernetes node (or simulated node) this agent serves
 * @param nodeIp         where enrolled pods are redirected to: the node tunnel's outbound listener (port 15001)
 * @param controlPlane   how to reach the controller
 * @param podsCgroup     the cgroup v2 subtree holding the node's pods; empty: the kubelet's, found on the host
 * @param pinRoot        the bpffs directory of this agent's pins, which the node's tunnel reads
 * @param socketFastPath whether same-node pod ↔ tunnel data skips the TCP/IP stack (sk_msg)
 * @param health         where the agent answers {@code GET /healthz/ready} (port 15022 by default)
 */
public record NodeAgentSettings(
        String nodeName,
        InetAddress nodeIp,
        ControlPlaneSettings controlPlane,
        Optional<Path> podsCgroup,
        Path pinRoot,
        boolean socketFastPath,
        InetSocketAddress health) {
}
