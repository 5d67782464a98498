package dev.ambit.waypoint.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The exact choices of each balancer, with the random draws scripted. */
class BalancerChoiceTest {

    record Host(String name, int activeRequests, double latencyEwmaNanos) implements HostLoad {
    }

    /** Answers each {@code nextInt(bound)} from a script and records the bounds it was asked for. */
    static final class Draws implements RandomGenerator {
        private final Deque<Integer> script = new ArrayDeque<>();
        final List<Integer> bounds = new ArrayList<>();

        Draws(Integer... values) {
            script.addAll(List.of(values));
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int nextInt(int bound) {
            bounds.add(bound);
            return script.removeFirst();
        }
    }

    private static final Host A = new Host("a", 0, 1);
    private static final Host B = new Host("b", 9, 1);
    private static final Host C = new Host("c", 5, 1);

    @Test
    void twoChoicesDrawTwoDistinctHosts() {
        Draws draws = new Draws(1, 1);
        // First b; the second draw skips b's index, so 1 means c, which has fewer requests than b.
        assertEquals(C, LoadBalancers.of(LoadBalancerAlgorithm.LEAST_REQUEST, draws).pick(List.of(A, B, C)));
        assertEquals(List.of(3, 2), draws.bounds, "the second draw is among the other hosts");
        assertEquals(A, LoadBalancers.of(LoadBalancerAlgorithm.LEAST_REQUEST, new Draws(1, 0))
                .pick(List.of(A, B, C)), "0 is before b: a");
    }

    @Test
    void aTieGoesToTheFirstDraw() {
        Host x = new Host("x", 2, 1);
        Host y = new Host("y", 2, 1);
        assertEquals(x, LoadBalancers.of(LoadBalancerAlgorithm.LEAST_REQUEST, new Draws(0, 0)).pick(List.of(x, y)));
        assertEquals(y, LoadBalancers.of(LoadBalancerAlgorithm.LEAST_REQUEST, new Draws(1, 0)).pick(List.of(x, y)));
    }

    @Test
    void aSingleHostIsPickedWithoutDrawing() {
        for (LoadBalancerAlgorithm algorithm : List.of(LoadBalancerAlgorithm.LEAST_REQUEST, LoadBalancerAlgorithm.EWMA)) {
            Draws draws = new Draws();
            assertEquals(A, LoadBalancers.of(algorithm, draws).pick(List.of(A)));
            assertEquals(List.of(), draws.bounds);
        }
    }

    @Test
    void ewmaCostsLatencyTimesOutstandingRequestsPlusOne() {
        Host idleSlow = new Host("idle-slow", 0, 30);
        Host busyFast = new Host("busy-fast", 2, 10);
        // 30 × 1 against 10 × 3: equal, so the first draw wins either way round.
        assertEquals(idleSlow, LoadBalancers.of(LoadBalancerAlgorithm.EWMA, new Draws(0, 0))
                .pick(List.of(idleSlow, busyFast)));
        assertEquals(busyFast, LoadBalancers.of(LoadBalancerAlgorithm.EWMA, new Draws(1, 0))
                .pick(List.of(idleSlow, busyFast)));
        Host idle = new Host("idle", 0, 29);
        assertEquals(idle, LoadBalancers.of(LoadBalancerAlgorithm.EWMA, new Draws(1, 0))
                .pick(List.of(idle, busyFast)), "29 × 1 beats 10 × 3");
    }

    @Test
    void randomDrawsAmongAllHosts() {
        Draws draws = new Draws(2, 0);
        LoadBalancer random = LoadBalancers.of(LoadBalancerAlgorithm.RANDOM, draws);
        assertEquals(C, random.pick(List.of(A, B, C)));
        assertEquals(A, random.pick(List.of(A, B, C)));
        assertEquals(List.of(3, 3), draws.bounds);
    }

    @Test
    void roundRobinWrapsAround() {
        LoadBalancer roundRobin = LoadBalancers.of(LoadBalancerAlgorithm.ROUND_ROBIN, new Draws());
        List<Host> picked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            picked.add(roundRobin.pick(List.of(A, B)));
        }
        assertEquals(List.of(A, B, A, B, A), picked);
    }

    @Test
    void peakEwmaStartsHighTakesItsFirstSampleAndDecaysWithTime() {
        PeakEwma ewma = new PeakEwma();
        assertEquals(PeakEwma.INITIAL_NANOS, ewma.value());
        ewma.observe(1_000, 5);
        assertEquals(1_000, ewma.value(), 0.001, "the first sample replaces the initial guess, even a lower one");
        ewma.observe(500, 5);
        assertEquals(1_000, ewma.value(), 0.001, "no time passed: a faster sample has no weight yet");
        ewma.observe(500, 5 + (long) PeakEwma.DECAY_NANOS);
        assertEquals(500 + 500 * Math.exp(-1), ewma.value(), 0.001, "one time constant later");
        double before = ewma.value();
        ewma.observe(100, 0);
        assertEquals(before, ewma.value(), 0.001, "a clock that went back counts as no time");
    }
}
