package dev.ambit.nodeagent.redirect;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * What the steering is attached to and where it sends connections.
 *
 * @param pinRoot        bpffs directory of this agent's pins; {@link #DEFAULT_PIN_ROOT} in production, unique per test
 * @param podsCgroup     cgroup v2 directory whose subtree holds the pods (kubepods, or the harness's cgroup)
 * @param tunnelCgroup   cgroup v2 directory holding the tunnel's sockets; the cgroup v2 root by default, as the
 *                       tunnel may run in the agent, in its own pod or on the host network
 * @param tunnel4        the tunnel's outbound listener for IPv4 destinations, or null to leave IPv4 alone
 * @param tunnel6        the tunnel's outbound listener for IPv6 destinations, or null to leave IPv6 alone
 * @param socketFastPath whether pod ↔ tunnel socket pairs exchange data through the sockhash (sk_msg)
 *                       instead of the TCP/IP stack
 * @param dns4           the tunnel's DNS proxy that enrolled pods' DNS to IPv4 servers goes to, or null to leave
 *                       it alone (docs/dns.md)
 * @param dns6           the same for IPv6 servers
 */
public record RedirectorConfig(Path pinRoot, Path podsCgroup, Path tunnelCgroup,
                               InetSocketAddress tunnel4, InetSocketAddress tunnel6, boolean socketFastPath,
                               InetSocketAddress dns4, InetSocketAddress dns6) {

    public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf/ambit");
    /** The array map holding {@code struct ambit_config} at key 0. */
    static final String CONFIG_MAP = "config";
    /** {@code struct ambit_config} (44 bytes): {@code ambit_endpoint tunnel4, tunnel6; u32 flags;} flags in host order. */
    private static final int CONFIG_SIZE = 2 * Endpoints.SIZE + Integer.BYTES;
    private static final int FLAG_SOCKHASH = 1;
    /** The array map holding {@code struct ambit_dns_config} at key 0. */
    static final String DNS_CONFIG_MAP = "dns_config";

    public RedirectorConfig {
        pinRoot = pinRoot.toAbsolutePath().normalize();
        podsCgroup = podsCgroup.toAbsolutePath().normalize();
        tunnelCgroup = tunnelCgroup.toAbsolutePath().normalize();
        if (tunnel4 == null && tunnel6 == null) {
            throw new IllegalArgumentException("a tunnel address for IPv4, IPv6 or both is required");
        }
        if (tunnel4 != null && tunnel4.getAddress().getAddress().length != 4) {
            throw new IllegalArgumentException("tunnel4 must be an IPv4 address: " + tunnel4);
        }
        if (tunnel6 != null && tunnel6.getAddress().getAddress().length != 16) {
            throw new IllegalArgumentException("tunnel6 must be an IPv6 address: " + tunnel6);
        }
        if (dns4 != null && dns4.getAddress().getAddress().length != 4) {
            throw new IllegalArgumentException("dns4 must be an IPv4 address: " + dns4);
        }
        if (dns6 != null && dns6.getAddress().getAddress().length != 16) {
            throw new IllegalArgumentException("dns6 must be an IPv6 address: " + dns6);
        }
    }

    /** Steering to the tunnel without DNS capture. */
    public RedirectorConfig(Path pinRoot, Path podsCgroup, Path tunnelCgroup, InetSocketAddress tunnel4,
                            InetSocketAddress tunnel6, boolean socketFastPath) {
        this(pinRoot, podsCgroup, tunnelCgroup, tunnel4, tunnel6, socketFastPath, null, null);
    }

    /** Whether enrolled pods' DNS goes to the tunnel's proxy, for either family. */
    public boolean dnsCapture() {
        return dns4 != null || dns6 != null;
    }

    /** {@code struct ambit_dns_config} (40 bytes): {@code ambit_endpoint proxy4, proxy6;} an unset one is zeros. */
    byte[] encodeDnsConfig() {
        ByteBuffer value = ByteBuffer.allocate(2 * Endpoints.SIZE);
        Endpoints.put(value, dns4);
        Endpoints.put(value, dns6);
        return value.array();
    }

    byte[] encodeTunnelConfig() {
        ByteBuffer value = ByteBuffer.allocate(CONFIG_SIZE);
        Endpoints.put(value, tunnel4);
        Endpoints.put(value, tunnel6);
        value.order(ByteOrder.nativeOrder()).putInt(socketFastPath ? FLAG_SOCKHASH : 0);
        return value.array();
    }

    /** Whether a {@code struct ambit_config} read back from the pinned map turns the socket fast path on. */
    static boolean socketFastPathIn(byte[] tunnelConfig) {
        int flags = ByteBuffer.wrap(tunnelConfig).order(ByteOrder.nativeOrder()).getInt(2 * Endpoints.SIZE);
        return (flags & FLAG_SOCKHASH) != 0;
    }

    /** The key of the one {@code struct ambit_config} in {@link #CONFIG_MAP}, and of the one in {@link #DNS_CONFIG_MAP}. */
    static byte[] tunnelConfigKey() {
        return new byte[Integer.BYTES];
    }
}
