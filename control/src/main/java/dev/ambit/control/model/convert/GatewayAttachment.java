package dev.ambit.control.model.convert;

import dev.ambit.api.mesh.MeshLabels;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which listeners of an ingress {@code Gateway} (class {@value MeshLabels#INGRESS_CLASS}) an {@code HTTPRoute}'s
 * parent reference attaches to, by the Gateway API's rules: the reference names the Gateway (and, with
 * {@code sectionName} or {@code port}, one listener); the listener speaks HTTP or HTTPS; it admits routes of the
 * route's namespace ({@code allowedRoutes.namespaces.from}: {@code Same}, the default, or {@code All}; a
 * {@code Selector} admits none yet); and its hostname, if any, meets one of the route's. The model builder (what is
 * pushed to the gateway) and the deployer (the Gateway's {@code attachedRoutes}) both ask here, so they agree.
 */
public final class GatewayAttachment {

    public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    /** Listener protocols an ingress gateway serves; HTTPS terminates TLS with the listener's certificates. */
    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("HTTP", "HTTPS");

    private GatewayAttachment() {
    }

    public static boolean isIngress(Gateway gateway) {
        return gateway != null && gateway.getSpec() != null
                && MeshLabels.INGRESS_CLASS.equals(gateway.getSpec().getGatewayClassName());
    }

    /** Gateway API defaults an absent group to the Gateway API's and an absent kind to {@code Gateway}. */
    public static boolean isGatewayRef(ParentReference ref) {
        return (ref.getGroup() == null || GATEWAY_GROUP.equals(ref.getGroup()))
                && (ref.getKind() == null || "Gateway".equals(ref.getKind()));
    }

    /** The namespace a parent reference names, the route's own when it names none. */
    public static String namespaceOf(ParentReference ref, String routeNamespace) {
        return ref.getNamespace() == null || ref.getNamespace().isEmpty() ? routeNamespace : ref.getNamespace();
    }

    /** Whether {@code ref} (of a route in {@code routeNamespace} with these hostnames) names {@code gateway}. */
    public static boolean names(ParentReference ref, String routeNamespace, Gateway gateway) {
        return isGatewayRef(ref) && Objects.equals(ref.getName(), gateway.getMetadata().getName())
                && namespaceOf(ref, routeNamespace).equals(gateway.getMetadata().getNamespace());
    }

    /** The listeners of {@code gateway} that {@code ref} attaches the route to; empty when none. */
    public static List<Listener> listeners(Gateway gateway, ParentReference ref, String routeNamespace,
            List<String> routeHostnames) {
        if (!isIngress(gateway) || !names(ref, routeNamespace, gateway)) {
            return List.of();
        }
        return Fields.list(gateway.getSpec().getListeners()).stream()
                .filter(listener -> ref.getSectionName() == null || ref.getSectionName().equals(listener.getName()))
                .filter(listener -> ref.getPort() == null || ref.getPort().equals(listener.getPort()))
                .filter(listener -> admits(listener, routeNamespace, gateway.getMetadata().getNamespace()))
                .filter(listener -> listener.getHostname() == null || routeHostnames.isEmpty()
                        || routeHostnames.stream().anyMatch(host -> intersect(listener.getHostname(), host)))
                .toList();
    }

    /** Whether a listener takes HTTPRoutes from {@code routeNamespace}. */
    public static boolean admits(Listener listener, String routeNamespace, String gatewayNamespace) {
        if (!SUPPORTED_PROTOCOLS.contains(listener.getProtocol())) {
            return false;
        }
        var allowed = listener.getAllowedRoutes();
        if (allowed != null && allowed.getKinds() != null && !allowed.getKinds().isEmpty()
                && allowed.getKinds().stream().noneMatch(kind -> "HTTPRoute".equals(kind.getKind())
                        && (kind.getGroup() == null || GATEWAY_GROUP.equals(kind.getGroup())))) {
            return false;
        }
        String from = allowed == null || allowed.getNamespaces() == null || allowed.getNamespaces().getFrom() == null
                ? "Same" : allowed.getNamespaces().getFrom();
        return switch (from) {
            case "All" -> true;
            case "Same" -> routeNamespace.equals(gatewayNamespace);
            default -> false; // Selector: not supported yet, so it admits nothing rather than too much
        };
    }

    /**
     * Gateway API hostname intersection: equal names, or a {@code *.} wildcard and a name with at least one more
     * label before the wildcard's suffix, or two wildcards of which one's suffix ends the other's.
     */
    public static boolean intersect(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        boolean aWild = a.startsWith("*.");
        boolean bWild = b.startsWith("*.");
        if (aWild && bWild) {
            return a.substring(1).endsWith(b.substring(1)) || b.substring(1).endsWith(a.substring(1));
        }
        if (aWild) {
            return b.endsWith(a.substring(1));
        }
        return bWild && a.endsWith(b.substring(1));
    }
}
