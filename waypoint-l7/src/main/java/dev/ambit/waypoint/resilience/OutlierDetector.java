package dev.ambit.waypoint.resilience;

import dev.ambit.api.model.traffic.OutlierDetection;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ejects an endpoint from load balancing after consecutive 5xx (and connect failures, timeouts and resets, as Envoy
 * counts them), for a base time multiplied by how often it was ejected, capped at {@link #MAX_EJECTION}. It returns
 * by itself when the time is up: {@link OutlierState#isEjected} is checked at each pick. At most
 * {@code maxEjectionPercent} of the service's endpoints are out at once.
 */
public final class OutlierDetector {

    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);
    static final Duration MAX_EJECTION = Duration.ofMinutes(5);

    private final OutlierDetection config;
    private final List<OutlierState> endpoints;
    private final LongSupplier nanoClock;

    public OutlierDetector(OutlierDetection config, List<OutlierState> endpoints, LongSupplier nanoClock) {
        this.config = config;
        this.endpoints = endpoints;
        this.nanoClock = nanoClock;
    }

    public void success(OutlierState endpoint) {
        endpoint.success();
    }

    /** @param name how to call the endpoint in the log */
    public void serverError(OutlierState endpoint, String name) {
        if (endpoint.serverError() < config.consecutive5xx()) {
            return;
        }
        long now = nanoClock.getAsLong();
        int ejected = 0;
        for (OutlierState state : endpoints) {
            if (state.isEjected(now)) {
                ejected++;
            }
        }
        // The cap counts this ejection too (as Envoy does): with 3 endpoints and 50 %, one may be out, not two.
        if (endpoint.isEjected(now) || (ejected + 1) * 100 > config.maxEjectionPercent() * endpoints.size()) {
            return;
        }
        long duration = endpoint.eject(now, config.baseEjectionTime().toNanos(), config.interval().toNanos(),
                Math.max(MAX_EJECTION.toNanos(), config.baseEjectionTime().toNanos()));
        log.info("event=outlier_ejected endpoint={} consecutive_5xx={} ejection_ms={}", name,
                config.consecutive5xx(), duration / 1_000_000);
    }
}
