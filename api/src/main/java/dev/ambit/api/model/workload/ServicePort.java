package dev.ambit.api.model.workload;

import dev.ambit.api.model.FieldValidator;
import java.util.Optional;

/**
 * One port of a service.
 *
 * @param name        a DNS label, or empty for the single port of a one-port service
 * @param targetPort  the port the service's pods listen on
 * @param appProtocol Kubernetes {@code appProtocol}, e.g. {@code http}, {@code http2}, {@code grpc}; it tells the
 *                    waypoint how to parse the traffic without sniffing
 */
public record ServicePort(String name, int port, int targetPort, Optional<String> appProtocol) {

    public ServicePort {
        FieldValidator v = FieldValidator.of("ServicePort");
        if (!v.required("name", name).isEmpty()) {
            v.dnsLabel("name", name);
        }
        v.port("port", port);
        v.port("targetPort", targetPort);
        appProtocol = v.optional(appProtocol);
        appProtocol.ifPresent(protocol -> v.printable("appProtocol", protocol, 63));
    }
}
