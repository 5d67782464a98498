package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.time.Duration;

/**
 * Ejects an endpoint from load balancing after {@link #consecutive5xx} consecutive server errors, for
 * {@link #baseEjectionTime} times the number of times it was ejected; at most {@link #maxEjectionPercent} of the
 * endpoints are out at once, so that detection cannot empty a service.
 */
public record OutlierDetection(
        int consecutive5xx,
        Duration interval,
        Duration baseEjectionTime,
        int maxEjectionPercent) {

    public OutlierDetection {
        FieldValidator v = FieldValidator.of("OutlierDetection");
        v.range("consecutive5xx", consecutive5xx, 1, Integer.MAX_VALUE);
        v.positive("interval", interval);
        v.positive("baseEjectionTime", baseEjectionTime);
        v.range("maxEjectionPercent", maxEjectionPercent, 0, 100);
    }
}
