package dev.ambit.local.topology;

/**
 * Where everything lives in the local mesh. All addresses exist only inside the network namespaces the launcher
 * creates; nothing is routed to or from the host's own interfaces.
 *
 * <pre>
 *   netns ambl-net (underlay)   bridge ambl-ul, controller 10.10.0.254
 *     |-- veth -- netns ambl-node1   eth0 10.10.0.1   bridge br0 10.244.1.1/24 -- pods 10.244.1.x
 *     '-- veth -- netns ambl-node2   eth0 10.10.0.2   bridge br0 10.244.2.1/24 -- pods 10.244.2.x
 * </pre>
 *
 * Each node routes the other node's pod range through that node's underlay address, like a flat pod network.
 * The ingress gateway's load balancer address ({@link #INGRESS_IP}, of the range 10.10.1.0/24) is routed from the
 * underlay to the gateway's node and from there to its pod, as a bare-metal load balancer announces it: clients on
 * the underlay reach the gateway there, from outside the mesh.
 * Service VIPs (10.96.0.0/16) are unreachable everywhere: only eBPF steering makes them work, so a connection
 * that reaches its service proves it went through the mesh.
 */
public final class AddressPlan {

    public static final String PREFIX = "ambl-";
    public static final String UNDERLAY_NETNS = PREFIX + "net";
    public static final String UNDERLAY_BRIDGE = PREFIX + "ul";
    public static final String CONTROLLER_IP = "10.10.0.254";
    public static final String SERVICE_RANGE = "10.96.0.0/16";
    /** The ingress gateway's address, as a LoadBalancer Service's IP: reachable from the underlay. */
    public static final String INGRESS_IP = "10.10.1.10";
    /**
     * The cluster DNS service's address in every pod's resolv.conf, as kube-dns's ClusterIP: nothing serves it, so
     * only a query the node's eBPF captured (to the tunnel's DNS proxy) is answered.
     */
    public static final String CLUSTER_DNS_IP = "10.96.0.53";
    static final int UNDERLAY_PREFIX_LENGTH = 24;
    static final int POD_PREFIX_LENGTH = 24;
    public static final int MAX_NODES = 200;

    private AddressPlan() {
    }

    public static String nodeNetns(int node) {
        return PREFIX + "node" + checkNode(node);
    }

    /** The node's address on the underlay: its tunnel's HBONE listener and its agent's metrics live here. */
    public static String nodeIp(int node) {
        return "10.10.0." + checkNode(node);
    }

    /** The node's address on its pod bridge: the pods' gateway and the tunnel's outbound listener. */
    public static String podGateway(int node) {
        return "10.244." + checkNode(node) + ".1";
    }

    public static String podCidr(int node) {
        return "10.244." + checkNode(node) + ".0/" + POD_PREFIX_LENGTH;
    }

    /** True when {@code ip} is in {@code node}'s pod range, and not its gateway. */
    public static boolean isPodIpOf(int node, String ip) {
        String prefix = "10.244." + node + ".";
        if (!ip.startsWith(prefix)) {
            return false;
        }
        int host = Integer.parseInt(ip.substring(prefix.length()));
        return host >= 2 && host <= 254;
    }

    private static int checkNode(int node) {
        if (node < 1 || node > MAX_NODES) {
            throw new IllegalArgumentException("node number " + node + " is not within 1.." + MAX_NODES);
        }
        return node;
    }
}
