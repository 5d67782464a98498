package dev.ambit.api.model.workload;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod (or, in local mode, a simulated pod) as the data plane sees it: where it is, who it is, and how to reach
 * it. Its resource name is its {@link #uid}, so a pod recreated under the same name is a different resource.
 *
 * @param uid               unique and stable for the workload's lifetime, e.g. the pod UID
 * @param identity          the SPIFFE identity its certificate carries; in the workload's namespace
 * @param node              the node it runs on
 * @param addresses         its IP addresses, at most one per family in practice
 * @param tunnel            the HBONE listener of the node tunnel that serves it; required when {@link DataplaneMode#AMBIENT}
 * @param waypoint          where traffic addressed to this workload goes first for L7 policy, if anywhere
 * @param canonicalName     application name for metrics labels, e.g. the {@code app} label
 * @param canonicalRevision application revision for metrics labels, e.g. the {@code version} label
 * @param services          the services that select it
 * @param dnsCapture        whether its node captures its DNS into the tunnel's DNS proxy (docs/dns.md); off with
 *                          the label {@code ambit.dev/dns-capture: "false"} on the pod or its namespace
 * @param otherFamilyTunnel on a dual-stack node, its tunnel's HBONE listener in the address family {@code tunnel}
 *                          is not in (the node's second InternalIP); empty on a single-stack node
 */
public record Workload(
        String uid,
        NamespacedName name,
        SpiffeId identity,
        String node,
        List<InetAddress> addresses,
        DataplaneMode dataplaneMode,
        Optional<InetSocketAddress> tunnel,
        Optional<WaypointAddress> waypoint,
        Map<String, String> labels,
        String canonicalName,
        String canonicalRevision,
        List<NamespacedName> services,
        boolean dnsCapture,
        Optional<InetSocketAddress> otherFamilyTunnel) implements ConfigResource {

    private static final int MAX_UID_LENGTH = 253;

    public Workload {
        FieldValidator v = FieldValidator.of("Workload", name);
        v.printable("uid", uid, MAX_UID_LENGTH);
        v.required("name", name);
        v.check(name.namespace().equals(v.required("identity", identity).namespace()), "identity",
                "'" + identity + "' is not in the workload's namespace '" + name.namespace() + "'");
        v.dnsSubdomain("node", node);
        addresses = v.addresses("addresses", addresses);
        v.required("dataplaneMode", dataplaneMode);
        tunnel = v.optional(tunnel);
        v.check(tunnel.isPresent() || dataplaneMode != DataplaneMode.AMBIENT, "tunnel",
                "is required when dataplaneMode is AMBIENT");
        tunnel.ifPresent(address -> checkTunnel(v, "tunnel", address));
        otherFamilyTunnel = v.optional(otherFamilyTunnel);
        v.check(otherFamilyTunnel.isEmpty() || tunnel.isPresent(), "otherFamilyTunnel", "needs a tunnel");
        otherFamilyTunnel.ifPresent(address -> checkTunnel(v, "otherFamilyTunnel", address));
        v.check(otherFamilyTunnel.isEmpty() || tunnel.isEmpty()
                        || !IpLiteral.sameFamily(otherFamilyTunnel.get().getAddress(), tunnel.get().getAddress()),
                "otherFamilyTunnel", "is in the same address family as tunnel");
        waypoint = v.optional(waypoint);
        labels = v.labels("labels", labels);
        v.labelValue("canonicalName", v.notEmpty("canonicalName", canonicalName));
        v.labelValue("canonicalRevision", v.notEmpty("canonicalRevision", canonicalRevision));
        services = v.distinct("services", v.list("services", services));
    }

    /** A workload on a single-stack node (one tunnel address). */
    public Workload(String uid, NamespacedName name, SpiffeId identity, String node, List<InetAddress> addresses,
                    DataplaneMode dataplaneMode, Optional<InetSocketAddress> tunnel, Optional<WaypointAddress> waypoint,
                    Map<String, String> labels, String canonicalName, String canonicalRevision,
                    List<NamespacedName> services, boolean dnsCapture) {
        this(uid, name, identity, node, addresses, dataplaneMode, tunnel, waypoint, labels, canonicalName,
                canonicalRevision, services, dnsCapture, Optional.empty());
    }

    /** A workload whose DNS is captured, the default. */
    public Workload(String uid, NamespacedName name, SpiffeId identity, String node, List<InetAddress> addresses,
                    DataplaneMode dataplaneMode, Optional<InetSocketAddress> tunnel, Optional<WaypointAddress> waypoint,
                    Map<String, String> labels, String canonicalName, String canonicalRevision,
                    List<NamespacedName> services) {
        this(uid, name, identity, node, addresses, dataplaneMode, tunnel, waypoint, labels, canonicalName,
                canonicalRevision, services, true);
    }

    /**
     * The tunnel to carry a connection to {@code destination} over: the node's HBONE listener in the destination's
     * address family when the node has one, so an IPv6 connection crosses between nodes over IPv6 (and an IPv4 one
     * over IPv4); else its only one. Empty when the workload has no tunnel (not ambient).
     */
    public Optional<InetSocketAddress> tunnelFor(InetAddress destination) {
        return otherFamilyTunnel.filter(other -> IpLiteral.sameFamily(other.getAddress(), destination))
                .or(() -> tunnel);
    }

    /** Its address in {@code family}'s address family (the family of that address), if it has one. */
    public Optional<InetAddress> addressInFamilyOf(InetAddress family) {
        return addresses.stream().filter(address -> IpLiteral.sameFamily(address, family)).findFirst();
    }

    private static void checkTunnel(FieldValidator v, String field, InetSocketAddress address) {
        v.check(!address.isUnresolved(), field, "'" + address.getHostString() + "' is not an IP address");
        v.address(field, address.getAddress());
    }

    @Override
    public String resourceName() {
        return uid;
    }

    /**
     * Whether this is an ambient workload of {@code node}: that node's tunnel holds its identity, and is where
     * its inbound connections are admitted and its pod is steered. A pod of another node, or one not in the
     * ambient data plane, is neither.
     */
    public boolean ambientOn(String node) {
        return dataplaneMode == DataplaneMode.AMBIENT && this.node.equals(node);
    }
}
