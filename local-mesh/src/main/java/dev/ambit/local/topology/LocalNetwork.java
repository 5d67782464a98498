package dev.ambit.local.topology;

import static dev.ambit.local.topology.AddressPlan.CONTROLLER_IP;
import static dev.ambit.local.topology.AddressPlan.PREFIX;
import static dev.ambit.local.topology.AddressPlan.UNDERLAY_BRIDGE;
import static dev.ambit.local.topology.AddressPlan.UNDERLAY_NETNS;

import dev.ambit.host.HostCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and removes the local mesh's network: an underlay namespace with a bridge, one namespace per node with a
 * pod bridge, and one namespace per pod on its node's bridge (see {@link AddressPlan}). Every object carries the
 * {@value AddressPlan#PREFIX} prefix or lives inside a namespace that does, so {@link #removeAll()} finds
 * everything, also what a crashed run left behind.
 */
public final class LocalNetwork {

    private LocalNetwork() {
    }

    /** The underlay and {@code nodes} nodes (numbered from 1), each routing to the others' pod ranges. */
    public static void createNodes(int nodes) {
        ip("netns", "add", UNDERLAY_NETNS);
        in(UNDERLAY_NETNS, "ip", "link", "set", "lo", "up");
        in(UNDERLAY_NETNS, "ip", "link", "add", UNDERLAY_BRIDGE, "type", "bridge");
        in(UNDERLAY_NETNS, "ip", "addr", "add", CONTROLLER_IP + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH, "dev",
                UNDERLAY_BRIDGE);
        in(UNDERLAY_NETNS, "ip", "link", "set", UNDERLAY_BRIDGE, "up");
        for (int node = 1; node <= nodes; node++) {
            createNode(node, nodes);
            // The controller answers pods (waypoints) too: their ranges are behind their nodes.
            in(UNDERLAY_NETNS, "ip", "route", "add", AddressPlan.podCidr(node), "via", AddressPlan.nodeIp(node));
        }
    }

    private static void createNode(int node, int nodes) {
        String netns = AddressPlan.nodeNetns(node);
        String uplink = "n" + node;
        ip("netns", "add", netns);
        in(netns, "ip", "link", "set", "lo", "up");
        in(UNDERLAY_NETNS, "ip", "link", "add", uplink, "type", "veth", "peer", "name", "eth0", "netns", netns);
        in(UNDERLAY_NETNS, "ip", "link", "set", uplink, "master", UNDERLAY_BRIDGE, "up");
        in(netns, "ip", "addr", "add", AddressPlan.nodeIp(node) + "/" + AddressPlan.UNDERLAY_PREFIX_LENGTH, "dev",
                "eth0");
        in(netns, "ip", "link", "set", "eth0", "up");
        in(netns, "ip", "link", "add", "br0", "type", "bridge");
        in(netns, "ip", "addr", "add", AddressPlan.podGateway(node) + "/" + AddressPlan.POD_PREFIX_LENGTH, "dev",
                "br0");
        in(netns, "ip", "link", "set", "br0", "up");
        in(netns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // As docs/node-agent.md advises for nodes: when a tunnel hands over to its successor (the two share their
        // ports), connections still queued at the closing listeners move to the successor instead of being reset.
        in(netns, "sysctl", "-q", "-w", "net.ipv4.tcp_migrate_req=1");
        for (int other = 1; other <= nodes; other++) {
            if (other != node) {
                in(netns, "ip", "route", "add", AddressPlan.podCidr(other), "via", AddressPlan.nodeIp(other));
            }
        }
    }

    /** A pod's namespace on {@code node}'s bridge with address {@code ip}; returns the namespace's name. */
    public static String createPod(int node, String podNetnsSuffix, String ip) {
        if (!AddressPlan.isPodIpOf(node, ip)) {
            throw new IllegalArgumentException("pod address " + ip + " is not in node " + node + "'s range "
                    + AddressPlan.podCidr(node));
        }
        String netns = PREFIX + podNetnsSuffix;
        String nodeNetns = AddressPlan.nodeNetns(node);
        String hostSide = "p" + ip.substring(ip.lastIndexOf('.') + 1);
        ip("netns", "add", netns);
        in(netns, "ip", "link", "set", "lo", "up");
        in(nodeNetns, "ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", netns);
        in(nodeNetns, "ip", "link", "set", hostSide, "master", "br0", "up");
        in(netns, "ip", "addr", "add", ip + "/" + AddressPlan.POD_PREFIX_LENGTH, "dev", "eth0");
        in(netns, "ip", "link", "set", "eth0", "up");
        in(netns, "ip", "route", "add", "default", "via", AddressPlan.podGateway(node));
        // Without the mesh a VIP goes nowhere, at once: there is no kube-proxy here.
        in(netns, "ip", "route", "add", "unreachable", AddressPlan.SERVICE_RANGE);
        return netns;
    }

    /** Deletes every namespace of the local mesh (their links and bridges go with them). */
    public static List<String> removeAll() {
        List<String> removed = new ArrayList<>();
        for (String netns : existing()) {
            HostCommand.runQuietly("ip", "netns", "delete", netns);
            removed.add(netns);
        }
        return removed;
    }

    /** The local mesh's namespaces that exist now. */
    public static List<String> existing() {
        List<String> names = new ArrayList<>();
        for (String line : HostCommand.run("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(PREFIX)) {
                names.add(name);
            }
        }
        return names;
    }

    private static void ip(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        HostCommand.run(command);
    }

    private static void in(String netns, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = netns;
        System.arraycopy(command, 0, full, 4, command.length);
        HostCommand.run(full);
    }
}
