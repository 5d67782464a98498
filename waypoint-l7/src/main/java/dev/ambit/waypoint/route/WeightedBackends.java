package dev.ambit.waypoint.route;

import dev.ambit.api.model.route.BackendRef;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Picks one of a rule's backends with probability proportional to its weight (canary and A/B splits). */
public final class WeightedBackends {

    private WeightedBackends() {
    }

    public static Optional<BackendRef> pick(List<BackendRef> backends, RandomGenerator random) {
        long total = 0;
        for (BackendRef backend : backends) {
            total += backend.weight();
        }
        if (total == 0) {
            return Optional.empty();
        }
        long point = random.nextLong(total);
        for (BackendRef backend : backends) {
            point -= backend.weight();
            if (point < 0) {
                return Optional.of(backend);
            }
        }
        throw new AssertionError("weights changed while picking");
    }
}
