package dev.ambit.local.topology;

/**
 * Where everything lives in the local mesh. All addresses exist only inside the network namespaces the launcher
 * creates; nothing is routed to or from the host's own interfaces.
 *
 * <pre>
 *   netns ambl-net (underlay)   bridge ambl-ul, controller 10.10.0.254, fd00:10::254
 *     |-- veth -- netns ambl-node1   eth0 10.10.0.1   bridge br0 10.244.1.1/24         -- pods 10.244.1.x
 *     |                                   fd00:10::1              fd00:10:244:1::1/64  -- pods fd00:10:244:1::x
 *     '-- veth -- netns ambl-node2   eth0 10.10.0.2   bridge br0 10.244.2.1/24         -- pods 10.244.2.x
 *                                         fd00:10::2              fd00:10:244:2::1/64  -- pods fd00:10:244:2::x
 * </pre>
 *
 * Dual-stack, with IPv6 unique local addresses: every IPv4 address of the plan has an IPv6 counterpart written with
 * the same decimal digits (node 2 is {@code fd00:10::2}, pod {@code 10.244.1.11} is {@code fd00:10:244:1::11}: the
 * digits copied, so the two read side by side, not converted to hex). A pod has an IPv6 address when its manifest
 * gives one ({@code status.podIPs}); the cluster DNS address and the ingress load balancer address are IPv4 only.
 * Each node routes the other node's pod ranges through that node's underlay addresses, like a flat pod network.
 * The ingress gateway's load balancer address ({@link #INGRESS_IP}, of the range 10.10.1.0/24) is routed from the
 * underlay to the gateway's node and from there to its pod, as a bare-metal load balancer announces it: clients on
 * the underlay reach the gateway there, from outside the mesh.
 * Service VIPs (10.96.0.0/16 and fd00:10:96::/112) are unreachable everywhere: only eBPF steering makes them work,
 * so a connection that reaches its service proves it went through the mesh.
 */
public final class AddressPlan {

    public static final String PREFIX = "ambl-";
    public static final String UNDERLAY_NETNS = PREFIX + "net";
    public static final String UNDERLAY_BRIDGE = PREFIX + "ul";
    public static final String CONTROLLER_IP = "10.10.0.254";
    public static final String CONTROLLER_IPV6 = "fd00:10::254";
    public static final String SERVICE_RANGE = "10.96.0.0/16";
    public static final String SERVICE_RANGE_IPV6 = "fd00:10:96::/112";
    /** hello-svc's IPv4 and IPv6 VIPs (examples/demo/11-hello-svc.yaml, {@code clusterIPs}). */
    public static final String HELLO_SVC_IP = "10.96.0.10";
    public static final String HELLO_SVC_IPV6 = "fd00:10:96::10";
    /** The ingress gateway's address, as a LoadBalancer Service's IP: reachable from the underlay. */
    public static final String INGRESS_IP = "10.10.1.10";
    /**
     * The cluster DNS service's address in every pod's resolv.conf, as kube-dns's ClusterIP: nothing serves it, so
     * only a query the node's eBPF captured (to the tunnel's DNS proxy) is answered.
     */
    public static final String CLUSTER_DNS_IP = "10.96.0.53";
    static final int UNDERLAY_PREFIX_LENGTH = 24;
    static final int POD_PREFIX_LENGTH = 24;
    static final int UNDERLAY_PREFIX_LENGTH_IPV6 = 64;
    static final int POD_PREFIX_LENGTH_IPV6 = 64;
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

    /** The node's IPv6 address on the underlay, beside {@link #nodeIp}. */
    public static String nodeIpv6(int node) {
        return "fd00:10::" + checkNode(node);
    }

    /** The node's IPv6 address on its pod bridge: the pods' IPv6 gateway, beside {@link #podGateway}. */
    public static String podGatewayIpv6(int node) {
        return "fd00:10:244:" + checkNode(node) + "::1";
    }

    public static String podCidrIpv6(int node) {
        return "fd00:10:244:" + checkNode(node) + "::/" + POD_PREFIX_LENGTH_IPV6;
    }

    /**
     * The IPv6 counterpart of a pod's IPv4 address: {@code 10.244.N.H} is {@code fd00:10:244:N::H}, H's decimal
     * digits as they are. For pods made in code; a manifest's pod has the IPv6 address its {@code podIPs} give.
     */
    public static String podIpv6Of(String podIp) {
        String[] octets = podIp.split("\\.");
        if (octets.length != 4 || !octets[0].equals("10") || !octets[1].equals("244")) {
            throw new IllegalArgumentException(podIp + " is not a pod address (10.244.N.H)");
        }
        return "fd00:10:244:" + octets[2] + "::" + octets[3];
    }

    /**
     * True when {@code ip} is in {@code node}'s pod range, and not its gateway: {@code 10.244.N.H} or
     * {@code fd00:10:244:N::H}, H from 2 to 254 (decimal digits, in both families).
     */
    public static boolean isPodIpOf(int node, String ip) {
        String prefix = (isIpv6(ip) ? "fd00:10:244:" + node + "::" : "10.244." + node + ".");
        if (!ip.startsWith(prefix)) {
            return false;
        }
        String host = ip.substring(prefix.length());
        if (host.isEmpty() || host.length() > 3 || !host.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int number = Integer.parseInt(host);
        return number >= 2 && number <= 254;
    }

    /** The pod range of {@code node} of {@code ip}'s family, for messages. */
    public static String podCidrOfFamily(int node, String ip) {
        return isIpv6(ip) ? podCidrIpv6(node) : podCidr(node);
    }

    public static boolean isIpv6(String ip) {
        return ip.contains(":");
    }

    private static int checkNode(int node) {
        if (node < 1 || node > MAX_NODES) {
            throw new IllegalArgumentException("node number " + node + " is not within 1.." + MAX_NODES);
        }
        return node;
    }
}
