package dev.ambit.api.model.workload;

import dev.ambit.api.model.FieldValidator;
import java.net.InetAddress;
import java.util.Map;

/**
 * One backend of a service.
 *
 * @param workloadUid the {@link Workload#uid} behind this endpoint, to find its identity and tunnel
 * @param ports       service port to the target port on this endpoint, which may differ between endpoints
 */
public record Endpoint(String workloadUid, InetAddress address, Map<Integer, Integer> ports) {

    public Endpoint {
        FieldValidator v = FieldValidator.of("Endpoint");
        v.printable("workloadUid", workloadUid, 253);
        v.address("address", address);
        ports = v.map("ports", ports);
        ports.forEach((servicePort, targetPort) -> {
            v.port("ports", servicePort);
            v.port(FieldValidator.index("ports", servicePort), targetPort);
        });
    }
}
