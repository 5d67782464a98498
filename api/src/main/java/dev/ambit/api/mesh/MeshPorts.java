package dev.ambit.api.mesh;

/**
 * The well-known ports of the mesh's processes, the same as Istio ambient's so that existing firewall rules,
 * probes and dashboards carry over. The chart (charts/ambit) and docs/architecture.md list them too.
 */
public final class MeshPorts {

    /** The node tunnel's admin pages (config dump, certificates, connections); loopback only. */
    public static final int ADMIN = 15000;
    /** The node tunnel's outbound listener: connections its eBPF programs redirected from enrolled pods. */
    public static final int OUTBOUND = 15001;
    /** The node tunnel's plaintext inbound listener: connections to local pods from outside the mesh. */
    public static final int PLAINTEXT_INBOUND = 15006;
    /** HBONE: mTLS HTTP/2 CONNECT, served by every node tunnel and every waypoint. */
    public static final int HBONE = 15008;
    /**
     * The node tunnel's DNS proxy (UDP and TCP): the mesh's service names from the pushed config, every other name
     * forwarded to the node's resolver.
     */
    public static final int DNS = 15053;
    /** Prometheus metrics ({@code GET /metrics}) of every mesh process. */
    public static final int METRICS = 15020;
    /** Readiness ({@code GET /healthz/ready}) of every mesh process. */
    public static final int READINESS = 15021;
    /** The controller's monitoring port: its {@code /metrics} and the service graph ({@code /graph/}). */
    public static final int CONTROLLER_MONITORING = 15014;

    private MeshPorts() {
    }
}
