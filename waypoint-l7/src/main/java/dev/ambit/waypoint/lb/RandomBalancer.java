package dev.ambit.waypoint.lb;

import java.util.List;
import java.util.random.RandomGenerator;

/** An endpoint uniformly at random. */
final class RandomBalancer implements LoadBalancer {

    private final RandomGenerator random;

    RandomBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public <H extends HostLoad> H pick(List<H> hosts) {
        return hosts.get(random.nextInt(hosts.size()));
    }
}
