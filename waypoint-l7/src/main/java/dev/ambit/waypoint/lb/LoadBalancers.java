package dev.ambit.waypoint.lb;

import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import java.util.random.RandomGenerator;

/** The balancer for each {@link LoadBalancerAlgorithm}. */
public final class LoadBalancers {

    private LoadBalancers() {
    }

    /** @param random thread-safe; seeded in tests */
    public static LoadBalancer of(LoadBalancerAlgorithm algorithm, RandomGenerator random) {
        return switch (algorithm) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case RANDOM -> new RandomBalancer(random);
            case LEAST_REQUEST -> new PowerOfTwoChoices(random, host -> host.activeRequests());
            // Linkerd's cost: latency weighted by load, so a fast endpoint is not buried under queued requests.
            case EWMA -> new PowerOfTwoChoices(random, host -> host.latencyEwmaNanos() * (host.activeRequests() + 1));
        };
    }
}
