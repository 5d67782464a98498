package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import java.time.Duration;
import java.util.Optional;

/**
 * @param request        for the whole request, retries included; zero disables it
 * @param backendRequest for each attempt to a backend; at most {@link #request}
 */
public record RouteTimeouts(Optional<Duration> request, Optional<Duration> backendRequest) {

    public static final RouteTimeouts NONE = new RouteTimeouts(Optional.empty(), Optional.empty());

    public RouteTimeouts {
        FieldValidator v = FieldValidator.of("RouteTimeouts");
        request = v.optional(request);
        backendRequest = v.optional(backendRequest);
        request.ifPresent(timeout -> v.nonNegative("request", timeout));
        backendRequest.ifPresent(timeout -> v.nonNegative("backendRequest", timeout));
        if (request.isPresent() && backendRequest.isPresent() && !request.get().isZero()) {
            v.check(backendRequest.get().compareTo(request.get()) <= 0, "backendRequest",
                    "'" + backendRequest.get() + "' is longer than request '" + request.get() + "'");
        }
    }
}
