package dev.ambit.nodeagent.agent;

import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one node agent runs; every field is a {@code node-agent run} flag (see docs/node-agent.md).
 *
 * @param nodeName       the Kubernetes node (or simulated node) this agent serves
 * @param nodeIps        where enrolled pods are redirected to, one address per family: the node tunnel's outbound
 *                       listener (port 15001)
 * @param controlPlane   how to reach the controller
 * @param podsCgroup     the cgroup v2 subtree holding the node's pods; empty: the kubelet's, found on the host
 * @param pinRoot        the bpffs directory of this agent's pins, which the node's tunnel reads
 * @param socketFastPath whether same-node pod ↔ tunnel data skips the TCP/IP stack (sk_msg)
 * @param dnsCapture     whether enrolled pods' DNS goes to the tunnel's DNS proxy on {@code nodeIps}, port 15053
 * @param health         where the agent answers {@code GET /healthz/ready} (port 15022 by default)
 * @param cni            the CNI plugin's enroll endpoint (docs/cni.md)
 */
public record NodeAgentSettings(
        String nodeName,
        NodeIps nodeIps,
        ControlPlaneSettings controlPlane,
        Optional<Path> podsCgroup,
        Path pinRoot,
        boolean socketFastPath,
        boolean dnsCapture,
        InetSocketAddress health,
        CniSettings cni) {

    /**
     * @param socket                 the Unix domain socket the CNI plugin asks; empty: no endpoint
     * @param maxWait                how long ADD waits for a pod config does not name yet before it is refused
     * @param ambientNamespacesFile  where the namespaces with ambient workloads are listed for the plugin, which
     *                               reads it when it cannot reach the agent; empty: not written
     */
    public record CniSettings(Optional<Path> socket, Duration maxWait, Optional<Path> ambientNamespacesFile) {
    }
}
