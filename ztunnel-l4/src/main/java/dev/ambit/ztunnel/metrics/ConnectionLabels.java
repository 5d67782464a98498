package dev.ambit.ztunnel.metrics;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.workload.Workload;
import java.util.Optional;

/**
 * The labels of one tunnelled connection's series: which side reported it and who talked to whom. Unknown parts
 * (a plaintext source, a destination outside the mesh) are {@value #UNKNOWN}.
 */
public record ConnectionLabels(
        String direction,
        String sourceWorkload,
        String sourceNamespace,
        String sourcePrincipal,
        String destinationWorkload,
        String destinationNamespace,
        String destinationPrincipal) {

    public static final String UNKNOWN = "unknown";
    public static final String OUTBOUND = "outbound";
    public static final String INBOUND = "inbound";

    static final String[] NAMES = {"direction", "source_workload", "source_namespace", "source_principal",
        "destination_workload", "destination_namespace", "destination_principal"};

    /** Labels from the workloads at each end; the source principal may be known without its workload (HBONE peer). */
    public static ConnectionLabels of(String direction, Optional<Workload> source, Optional<SpiffeId> sourcePrincipal,
            Optional<Workload> destination) {
        return new ConnectionLabels(direction,
                source.map(Workload::canonicalName).orElse(UNKNOWN),
                source.map(w -> w.name().namespace()).or(() -> sourcePrincipal.map(SpiffeId::namespace))
                        .orElse(UNKNOWN),
                sourcePrincipal.or(() -> source.map(Workload::identity)).map(SpiffeId::uri).orElse(UNKNOWN),
                destination.map(Workload::canonicalName).orElse(UNKNOWN),
                destination.map(w -> w.name().namespace()).orElse(UNKNOWN),
                destination.map(w -> w.identity().uri()).orElse(UNKNOWN));
    }

    /**
     * A connection sent to a waypoint: no workload is known to receive its bytes, but the waypoint's identity is
     * what the tunnel verifies, so the series names it as the destination principal (the graph draws the edge to the
     * waypoint, as mTLS).
     */
    public ConnectionLabels towardsPeer(SpiffeId peer) {
        return new ConnectionLabels(direction, sourceWorkload, sourceNamespace, sourcePrincipal, destinationWorkload,
                UNKNOWN.equals(destinationNamespace) ? peer.namespace() : destinationNamespace,
                UNKNOWN.equals(destinationPrincipal) ? peer.uri() : destinationPrincipal);
    }

    /** The label names, in the order of {@link #values()}: every per-connection series uses them. */
    public static String[] names() {
        return NAMES.clone();
    }

    public String[] values() {
        return new String[] {direction, sourceWorkload, sourceNamespace, sourcePrincipal, destinationWorkload,
            destinationNamespace, destinationPrincipal};
    }
}
