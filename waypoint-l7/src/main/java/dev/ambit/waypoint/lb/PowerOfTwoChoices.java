package dev.ambit.waypoint.lb;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Two distinct endpoints at random, the cheaper one wins: nearly as good as scanning all for the cheapest, without
 * the herd that a global minimum attracts (Mitzenmacher). The cost is outstanding requests (least request) or
 * load-weighted latency (EWMA).
 */
final class PowerOfTwoChoices implements LoadBalancer {

    private final RandomGenerator random;
    private final ToDoubleFunction<HostLoad> cost;

    PowerOfTwoChoices(RandomGenerator random, ToDoubleFunction<HostLoad> cost) {
        this.random = random;
        this.cost = cost;
    }

    @Override
    public <H extends HostLoad> H pick(List<H> hosts) {
        int size = hosts.size();
        if (size == 1) {
            return hosts.get(0);
        }
        int first = random.nextInt(size);
        int second = random.nextInt(size - 1);
        if (second >= first) {
            second++;
        }
        H a = hosts.get(first);
        H b = hosts.get(second);
        return cost.applyAsDouble(b) < cost.applyAsDouble(a) ? b : a;
    }
}
