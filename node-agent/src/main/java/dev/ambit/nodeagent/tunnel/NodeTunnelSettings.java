package dev.ambit.nodeagent.tunnel;

import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import dev.ambit.ztunnel.dns.DnsProxySettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How one node's tunnel runs; every field is a {@code node-agent tunnel} flag (see docs/node-agent.md).
 *
 * @param nodeName      the node this tunnel serves: it holds the identities of that node's pods
 * @param listenAddress what the tunnel's listeners (15001, 15006, 15008, 15053, 15020, 15021) bind to
 * @param controlPlane  how to reach the controller
 * @param pinRoot       the bpffs directory where {@code node-agent run} pins the steering maps
 * @param drainDeadline how long connections may finish after SIGTERM
 * @param sourceWait    how long a connection from a pod the tunnel cannot carry yet waits for its config and
 *                      certificate (docs/cni.md)
 * @param readyFile     a file that exists exactly while the tunnel is ready, for probes that must not reach a
 *                      predecessor sharing the ports; empty for none
 * @param admin         where the admin endpoint listens, a loopback address; empty for none
 * @param socketFastPath whether the node's agent runs with the socket fast path, whose sockets the tunnel must
 *                      read with io_uring's buffer ring, epoll or NIO (see {@code Transport.forSocketFastPath()})
 * @param dns           the DNS proxy (docs/dns.md); empty when it is off
 */
public record NodeTunnelSettings(
        String nodeName,
        InetAddress listenAddress,
        ControlPlaneSettings controlPlane,
        Path pinRoot,
        Duration drainDeadline,
        Duration sourceWait,
        Optional<Path> readyFile,
        Optional<InetSocketAddress> admin,
        boolean socketFastPath,
        Optional<DnsProxySettings> dns) {
}
