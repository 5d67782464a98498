package dev.ambit.waypoint.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LoadBalancersTest {

    record Host(String name, int activeRequests, double latencyEwmaNanos) implements HostLoad {
    }

    private static int picks(LoadBalancerAlgorithm algorithm, List<Host> hosts, String name, int rounds) {
        LoadBalancer balancer = LoadBalancers.of(algorithm, new Random(3));
        int hits = 0;
        for (int i = 0; i < rounds; i++) {
            hits += balancer.pick(hosts).name().equals(name) ? 1 : 0;
        }
        return hits;
    }

    @Test
    void roundRobinTakesTurns() {
        List<Host> hosts = List.of(new Host("a", 0, 1), new Host("b", 0, 1), new Host("c", 0, 1));
        assertEquals(100, picks(LoadBalancerAlgorithm.ROUND_ROBIN, hosts, "b", 300));
    }

    @Test
    void randomIsUniformWithinTolerance() {
        List<Host> hosts = List.of(new Host("a", 0, 1), new Host("b", 0, 1));
        int a = picks(LoadBalancerAlgorithm.RANDOM, hosts, "a", 4000);
        assertTrue(Math.abs(a / 4000.0 - 0.5) < 0.05, "a got " + a);
    }

    @Test
    void leastRequestNeverPicksTheBusiestOfTwoChoices() {
        List<Host> hosts = List.of(new Host("idle", 0, 1), new Host("busy", 9, 1), new Host("some", 3, 1));
        // P2C: the busiest host loses every comparison it is drawn into.
        assertEquals(0, picks(LoadBalancerAlgorithm.LEAST_REQUEST, hosts, "busy", 1000));
    }

    @Test
    void ewmaPrefersTheFastEndpointUnlessItIsLoaded() {
        List<Host> hosts = List.of(new Host("fast", 0, 1e6), new Host("slow", 0, 50e6));
        assertEquals(1000, picks(LoadBalancerAlgorithm.EWMA, hosts, "fast", 1000));
        List<Host> loaded = List.of(new Host("fast", 100, 1e6), new Host("slow", 0, 50e6));
        assertEquals(1000, picks(LoadBalancerAlgorithm.EWMA, loaded, "slow", 1000));
    }

    @Test
    void peakEwmaJumpsUpAndDecaysDown() {
        PeakEwma ewma = new PeakEwma();
        ewma.observe(100_000_000, 1);
        assertEquals(100_000_000, ewma.value(), 1);
        ewma.observe(1_000_000, 1 + 10_000_000_000L);
        assertTrue(ewma.value() < 40_000_000 && ewma.value() > 30_000_000, "decayed to " + ewma.value());
        ewma.observe(200_000_000, 2 + 10_000_000_000L);
        assertEquals(200_000_000, ewma.value(), 1);
    }
}
