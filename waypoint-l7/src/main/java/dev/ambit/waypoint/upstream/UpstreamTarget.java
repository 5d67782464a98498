package dev.ambit.waypoint.upstream;

import dev.ambit.api.model.workload.Workload;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * An endpoint to open byte streams to.
 *
 * @param workload the workload behind the address, when known: HBONE needs its tunnel and identity
 */
public record UpstreamTarget(InetSocketAddress address, Optional<Workload> workload) {

    /**
     * The address alone: pools look targets up for every request, and the workload's hash walks all its fields
     * (labels, services). Equal targets have equal addresses, so this agrees with the record's equals.
     */
    @Override
    public int hashCode() {
        return address.hashCode();
    }

    @Override
    public String toString() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
