package dev.ambit.waypoint.upstream;

import java.util.Locale;
import java.util.Optional;

/** How the waypoint speaks to a backend. */
public enum UpstreamProtocol {
    HTTP1,
    /** Prior knowledge h2c (over HBONE the outer mTLS protects it). */
    HTTP2;

    /**
     * From a service port's Kubernetes {@code appProtocol}: {@code http2}, {@code grpc}, {@code h2c} (with or without
     * the {@code kubernetes.io/} prefix) mean HTTP/2, {@code http} means HTTP/1.1; with anything else, or none, gRPC
     * requests go as HTTP/2 and all others as HTTP/1.1.
     */
    public static Optional<UpstreamProtocol> fromAppProtocol(Optional<String> appProtocol) {
        return appProtocol.map(value -> value.toLowerCase(Locale.ROOT).replace("kubernetes.io/", ""))
                .flatMap(value -> switch (value) {
                    case "http2", "grpc", "h2c", "grpc-web" -> Optional.of(HTTP2);
                    case "http", "http/1.1" -> Optional.of(HTTP1);
                    default -> Optional.empty();
                });
    }
}
