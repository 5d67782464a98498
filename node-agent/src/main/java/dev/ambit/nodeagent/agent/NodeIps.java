package dev.ambit.nodeagent.agent;

import dev.ambit.api.model.IpLiteral;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node's addresses where its pods reach its tunnel: one per address family it has, as Kubernetes lists a
 * dual-stack node's {@code status.hostIPs}. The eBPF redirect sends a pod's IPv4 connections to the IPv4 one and its
 * IPv6 connections to the IPv6 one; a family the node has no address in is left alone (not steered).
 */
public record NodeIps(Optional<Inet4Address> ipv4, Optional<Inet6Address> ipv6) {

    public NodeIps {
        if (ipv4.isEmpty() && ipv6.isEmpty()) {
            throw new IllegalArgumentException("a node needs an IPv4 address, an IPv6 address or both");
        }
    }

    /**
     * {@code 10.0.0.1}, {@code fd00::1} or both comma-separated in either order ({@code status.hostIPs}' form).
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static NodeIps parse(String text) {
        Optional<Inet4Address> ipv4 = Optional.empty();
        Optional<Inet6Address> ipv6 = Optional.empty();
        for (String part : text.split(",", -1)) {
            InetAddress address;
            try {
                address = IpLiteral.parse(part.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not an IP address (in '" + text + "')");
            }
            if (address instanceof Inet4Address v4) {
                if (ipv4.isPresent()) {
                    throw new IllegalArgumentException("'" + text + "' has two IPv4 addresses; one per family");
                }
                ipv4 = Optional.of(v4);
            } else {
                if (ipv6.isPresent()) {
                    throw new IllegalArgumentException("'" + text + "' has two IPv6 addresses; one per family");
                }
                ipv6 = Optional.of((Inet6Address) address);
            }
        }
        return new NodeIps(ipv4, ipv6);
    }

    /** Every address, IPv4 first. */
    public List<InetAddress> all() {
        List<InetAddress> all = new ArrayList<>(2);
        ipv4.ifPresent(all::add);
        ipv6.ifPresent(all::add);
        return all;
    }

    @Override
    public String toString() {
        return String.join(",", all().stream().map(InetAddress::getHostAddress).toList());
    }
}
