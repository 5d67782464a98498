package dev.ambit.local.topology;

import static dev.ambit.local.topology.AddressPlan.CONTROLLER_IP;
import static dev.ambit.local.topology.AddressPlan.PREFIX;
import static dev.ambit.local.topology.AddressPlan.UNDERLAY_BRIDGE;
import static dev.ambit.local.topology.AddressPlan.UNDERLAY_NETNS;

import dev.ambit.testbed.Netns;
import dev.ambit.testbed.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds and removes the local mesh's network: an underlay namespace with a bridge, one namespace per node with a
 * pod bridge, and one namespace per pod on its node's bridge (see {@link AddressPlan}), with the testbed's pod
 * builder, as the node agent's tests and bench/run make theirs. Every object carries the {@value AddressPlan#PREFIX}
 * prefix or lives inside a namespace that does, so {@link #removeAll()} finds everything, also what a crashed run
 * left behind.
 */
public final class LocalNetwork {

    private static final Netns UNDERLAY = new Netns(UNDERLAY_NETNS);

    private LocalNetwork() {
    }

    /**
     * The underlay and {@code nodes} nodes (numbered from 1), each routing to the others' pod ranges, in both
     * address families.
     */
    public static void createNodes(int nodes) {
        Netns underlay = Netns.create(UNDERLAY_NETNS);
        underlay.ip("link", "add", UNDERLAY_BRIDGE, "type", "bridge");
        underlay.ip("addr", "add", CONTROLLER_IP + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH, "dev", UNDERLAY_BRIDGE);
        // No duplicate address detection: until it ends, an address is "tentative" and cannot be used.
        underlay.ip("addr", "add", AddressPlan.CONTROLLER_IPV6 + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH_IPV6,
                "dev", UNDERLAY_BRIDGE, "nodad");
        underlay.ip("link", "set", UNDERLAY_BRIDGE, "up");
        for (int node = 1; node <= nodes; node++) {
            createNode(node, nodes);
            // The controller answers pods (waypoints) too: their ranges are behind their nodes.
            underlay.ip("route", "add", AddressPlan.podCidr(node), "via", AddressPlan.nodeIp(node));
            underlay.ip("-6", "route", "add", AddressPlan.podCidrIpv6(node), "via", AddressPlan.nodeIpv6(node));
        }
    }

    /** A node is a pod of the underlay, as far as its link goes, with a bridge for its own pods. */
    private static void createNode(int node, int nodes) {
        Netns netns = Pod.builder(AddressPlan.nodeNetns(node))
                .linkedTo(UNDERLAY, "n" + node)
                .onBridge(UNDERLAY_BRIDGE)
                .address(AddressPlan.nodeIp(node) + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH)
                .address(AddressPlan.nodeIpv6(node) + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH_IPV6)
                .create()
                .netns();
        netns.sysctl("net.ipv4.ip_forward=1");
        // For every interface, also those made later (the kernel copies "all" to the defaults).
        netns.sysctl("net.ipv6.conf.all.forwarding=1");
        netns.ip("link", "add", "br0", "type", "bridge");
        netns.ip("addr", "add", AddressPlan.podGateway(node) + "/" + AddressPlan.POD_PREFIX_LENGTH, "dev", "br0");
        netns.ip("addr", "add", AddressPlan.podGatewayIpv6(node) + "/" + AddressPlan.POD_PREFIX_LENGTH_IPV6,
                "dev", "br0", "nodad");
        netns.ip("link", "set", "br0", "up");
        // As docs/node-agent.md advises for nodes: when a tunnel hands over to its successor (the two share their
        // ports), connections still queued at the closing listeners move to the successor instead of being reset.
        netns.sysctl("net.ipv4.tcp_migrate_req=1");
        for (int other = 1; other <= nodes; other++) {
            if (other != node) {
                netns.ip("route", "add", AddressPlan.podCidr(other), "via", AddressPlan.nodeIp(other));
                netns.ip("-6", "route", "add", AddressPlan.podCidrIpv6(other), "via", AddressPlan.nodeIpv6(other));
            }
        }
    }

    /**
     * A pod's namespace on {@code node}'s bridge with IPv4 address {@code ip} and, when given, IPv6 address
     * {@code ipv6}, a default route of each family it has via the bridge, and the service ranges unreachable;
     * returns the namespace's name.
     */
    public static String createPod(int node, String podNetnsSuffix, String ip, Optional<String> ipv6) {
        checkPodIp(node, ip, false);
        ipv6.ifPresent(address -> checkPodIp(node, address, true));
        Pod.Builder pod = Pod.builder(PREFIX + podNetnsSuffix)
                .linkedTo(new Netns(AddressPlan.nodeNetns(node)), "p" + ip.substring(ip.lastIndexOf('.') + 1))
                .onBridge("br0")
                .address(ip + "/" + AddressPlan.POD_PREFIX_LENGTH)
                .gateway(AddressPlan.podGateway(node))
                // Without the mesh a VIP goes nowhere, at once: there is no kube-proxy here.
                .unreachable(AddressPlan.SERVICE_RANGE);
        ipv6.ifPresent(address -> pod.address(address + "/" + AddressPlan.POD_PREFIX_LENGTH_IPV6)
                .gateway(AddressPlan.podGatewayIpv6(node))
                .unreachable(AddressPlan.SERVICE_RANGE_IPV6));
        return pod.create().netns().name();
    }

    private static void checkPodIp(int node, String ip, boolean ipv6) {
        if (AddressPlan.isIpv6(ip) != ipv6 || !AddressPlan.isPodIpOf(node, ip)) {
            throw new IllegalArgumentException("pod address " + ip + " is not in node " + node + "'s range "
                    + (ipv6 ? AddressPlan.podCidrIpv6(node) : AddressPlan.podCidr(node)));
        }
    }

    /**
     * Makes {@code ip} an address of the pod in {@code podNetns} (on {@code node}, at {@code podIp}), routed from the
     * underlay through the node to the pod: what a load balancer does for a LoadBalancer Service's IP. The pod's
     * processes accept it on their wildcard listeners and answer from it.
     */
    public static void routeLoadBalancerAddress(String ip, int node, String podNetns, String podIp) {
        new Netns(podNetns).ip("addr", "add", ip + "/32", "dev", "lo");
        new Netns(AddressPlan.nodeNetns(node)).ip("route", "add", ip + "/32", "via", podIp);
        UNDERLAY.ip("route", "add", ip + "/32", "via", AddressPlan.nodeIp(node));
    }

    /** Deletes every namespace of the local mesh (their links and bridges go with them). */
    public static List<String> removeAll() {
        List<String> removed = new ArrayList<>();
        for (Netns netns : Netns.existing(PREFIX)) {
            netns.delete();
            removed.add(netns.name());
        }
        return removed;
    }

    /** The local mesh's namespaces that exist now. */
    public static List<String> existing() {
        return Netns.existing(PREFIX).stream().map(Netns::name).toList();
    }
}
