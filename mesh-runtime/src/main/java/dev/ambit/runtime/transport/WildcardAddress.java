package dev.ambit.runtime.transport;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;

/**
 * The address a listener binds to when it should take connections to every address of its host or pod.
 *
 * <p>On a host with IPv6 that is {@code ::}: with {@code net.ipv6.bindv6only} at its default (0) one socket takes both
 * families, IPv4 clients arriving as IPv4-mapped addresses that Java and Netty's native transports hand back as plain
 * {@link java.net.Inet4Address}es. That is what a dual-stack cluster needs of the tunnel and the waypoint, and it is
 * what ztunnel does. On a host without IPv6 (booted with {@code ipv6.disable=1}, or a JVM told
 * {@code -Djava.net.preferIPv4Stack=true}) an IPv6 socket cannot be opened, and {@code 0.0.0.0} takes IPv4 alone.
 */
public final class WildcardAddress {

    private static final InetAddress IPV4_ANY = NetUtil.createInetAddressFromIpAddressString("0.0.0.0");
    private static final InetAddress IPV6_ANY = NetUtil.createInetAddressFromIpAddressString("::");
    private static final InetAddress ANY_FAMILY = probe();

    private WildcardAddress() {
    }

    /** {@code ::} where IPv6 sockets can be opened, else {@code 0.0.0.0}. */
    public static InetAddress anyFamily() {
        return ANY_FAMILY;
    }

    private static InetAddress probe() {
        if (NetUtil.isIpV4StackPreferred()) {
            return IPV4_ANY;
        }
        try (ServerSocketChannel ignored = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            return IPV6_ANY;
        } catch (IOException | UnsupportedOperationException e) {
            return IPV4_ANY;
        }
    }
}
