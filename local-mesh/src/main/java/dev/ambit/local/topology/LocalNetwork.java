package dev.ambit.local.topology;

import static dev.ambit.local.topology.AddressPlan.CONTROLLER_IP;
import static dev.ambit.local.topology.AddressPlan.PREFIX;
import static dev.ambit.local.topology.AddressPlan.UNDERLAY_BRIDGE;
import static dev.ambit.local.topology.AddressPlan.UNDERLAY_NETNS;

import dev.ambit.testbed.Netns;
import dev.ambit.testbed.Pod;
import java.util.ArrayList;
import java.util.List;

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

    /** The underlay and {@code nodes} nodes (numbered from 1), each routing to the others' pod ranges. */
    public static void createNodes(int nodes) {
        Netns underlay = Netns.create(UNDERLAY_NETNS);
        underlay.ip("link", "add", UNDERLAY_BRIDGE, "type", "bridge");
        underlay.ip("addr", "add", CONTROLLER_IP + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH, "dev", UNDERLAY_BRIDGE);
        underlay.ip("link", "set", UNDERLAY_BRIDGE, "up");
        for (int node = 1; node <= nodes; node++) {
            createNode(node, nodes);
            // The controller answers pods (waypoints) too: their ranges are behind their nodes.
            underlay.ip("route", "add", AddressPlan.podCidr(node), "via", AddressPlan.nodeIp(node));
        }
    }

    /** A node is a pod of the underlay, as far as its link goes, with a bridge for its own pods. */
    private static void createNode(int node, int nodes) {
        Netns netns = Pod.builder(AddressPlan.nodeNetns(node))
                .linkedTo(UNDERLAY, "n" + node)
                .onBridge(UNDERLAY_BRIDGE)
                .address(AddressPlan.nodeIp(node) + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH)
                .create()
                .netns();
        netns.ip("link", "add", "br0", "type", "bridge");
        netns.ip("addr", "add", AddressPlan.podGateway(node) + "/" + AddressPlan.POD_PREFIX_LENGTH, "dev", "br0");
        netns.ip("link", "set", "br0", "up");
        netns.sysctl("net.ipv4.ip_forward=1");
        // As docs/node-agent.md advises for nodes: when a tunnel hands over to its successor (the two share their
        // ports), connections still queued at the closing listeners move to the successor instead of being reset.
        netns.sysctl("net.ipv4.tcp_migrate_req=1");
        for (int other = 1; other <= nodes; other++) {
            if (other != node) {
                netns.ip("route", "add", AddressPlan.podCidr(other), "via", AddressPlan.nodeIp(other));
            }
        }
    }

    /** A pod's namespace on {@code node}'s bridge with address {@code ip}; returns the namespace's name. */
    public static String createPod(int node, String podNetnsSuffix, String ip) {
        if (!AddressPlan.isPodIpOf(node, ip)) {
            throw new IllegalArgumentException("pod address " + ip + " is not in node " + node + "'s range "
                    + AddressPlan.podCidr(node));
        }
        return Pod.builder(PREFIX + podNetnsSuffix)
                .linkedTo(new Netns(AddressPlan.nodeNetns(node)), "p" + ip.substring(ip.lastIndexOf('.') + 1))
                .onBridge("br0")
                .address(ip + "/" + AddressPlan.POD_PREFIX_LENGTH)
                .gateway(AddressPlan.podGateway(node))
                // Without the mesh a VIP goes nowhere, at once: there is no kube-proxy here.
                .unreachable(AddressPlan.SERVICE_RANGE)
                .create()
                .netns()
                .name();
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
