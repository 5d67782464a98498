package dev.ambit.waypoint.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each endpoint in turn. */
final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicLong next = new AtomicLong();

    @Override
    public <H extends HostLoad> H pick(List<H> hosts) {
        return hosts.get((int) Math.floorMod(next.getAndIncrement(), (long) hosts.size()));
    }
}
