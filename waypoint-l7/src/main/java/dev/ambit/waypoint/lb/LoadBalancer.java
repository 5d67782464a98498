package dev.ambit.waypoint.lb;

import java.util.List;

/** Picks one endpoint for a request. Implementations are thread-safe: a service's balancer serves every event loop. */
public interface LoadBalancer {

    /** @param hosts not empty */
    <H extends HostLoad> H pick(List<H> hosts);
}
