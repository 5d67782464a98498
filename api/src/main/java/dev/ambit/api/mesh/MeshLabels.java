package dev.ambit.api.mesh;

/** The labels and names users write to put workloads into the mesh; docs/control.md explains each. */
public final class MeshLabels {

    /** On a namespace: {@code ambient} enrolls its pods. On a pod: {@code none} opts it out. */
    public static final String DATAPLANE_MODE = "ambit.dev/dataplane-mode";
    public static final String AMBIENT = "ambient";
    public static final String NONE = "none";
    /**
     * On a namespace or pod: {@code "false"} leaves its pods' DNS alone instead of capturing it into the node tunnel's
     * DNS proxy; on a pod, {@code "true"} captures it whatever its namespace says.
     */
    public static final String DNS_CAPTURE = "ambit.dev/dns-capture";
    /** On a namespace or service: the name of the waypoint {@code Gateway} (same namespace); {@code none} opts out. */
    public static final String USE_WAYPOINT = "ambit.dev/use-waypoint";
    /** The gatewayClassName that makes a {@code Gateway} an Ambit waypoint. */
    public static final String WAYPOINT_CLASS = "ambit-waypoint";
    /** The gatewayClassName that makes a {@code Gateway} an Ambit ingress gateway (traffic from outside the mesh). */
    public static final String INGRESS_CLASS = "ambit-ingress";
    /** Set on a waypoint's own pods and service, which never route through a waypoint themselves. */
    public static final String GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name";
    /** On an EndpointSlice: the service it belongs to. */
    public static final String SERVICE_NAME = "kubernetes.io/service-name";

    private MeshLabels() {
    }
}
