package dev.ambit.waypoint.resilience;

import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultInjection;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Decides, per request, whether to delay it and whether to abort it, each with its configured percentage. */
public final class FaultInjector {

    /** What to do to one request; both may apply: delay first, then abort. */
    public record Plan(Optional<Duration> delay, Optional<FaultAbort> abort) {

        public static final Plan NONE = new Plan(Optional.empty(), Optional.empty());

        public boolean isNone() {
            return delay.isEmpty() && abort.isEmpty();
        }
    }

    private final FaultInjection fault;
    private final RandomGenerator random;

    public FaultInjector(FaultInjection fault, RandomGenerator random) {
        this.fault = fault;
        this.random = random;
    }

    public Plan decide() {
        Optional<Duration> delay = fault.delay()
                .filter(d -> hit(d.percentage()))
                .map(d -> d.fixedDelay());
        Optional<FaultAbort> abort = fault.abort().filter(a -> hit(a.percentage()));
        return new Plan(delay, abort);
    }

    private boolean hit(double percentage) {
        return random.nextDouble() * 100 < percentage;
    }
}
