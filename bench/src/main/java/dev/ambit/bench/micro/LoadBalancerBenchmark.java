package dev.ambit.bench.micro;

import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.waypoint.lb.HostLoad;
import dev.ambit.waypoint.lb.LoadBalancer;
import dev.ambit.waypoint.lb.LoadBalancers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * One endpoint pick per request, by each algorithm, over 16 endpoints with uneven load. Two threads, as two event
 * loops share a service's balancer: round robin's shared cursor is contended the way it is in the waypoint.
 */
@State(Scope.Benchmark)
@Threads(2)
public class LoadBalancerBenchmark extends MicroBenchmark {

    private static final int HOSTS = 16;

    private record Host(int activeRequests, double latencyEwmaNanos) implements HostLoad {
    }

    @Param({"ROUND_ROBIN", "RANDOM", "LEAST_REQUEST", "EWMA"})
    public LoadBalancerAlgorithm algorithm;

    private LoadBalancer balancer;
    private List<Host> hosts;

    @Setup
    public void build() {
        balancer = LoadBalancers.of(algorithm, ThreadLocalRandom.current());
        SplittableRandom random = new SplittableRandom(42);
        hosts = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            hosts.add(new Host(random.nextInt(8), 200_000 + random.nextInt(2_000_000)));
        }
        hosts = List.copyOf(hosts);
    }

    @Benchmark
    public HostLoad pick() {
        return balancer.pick(hosts);
    }
}
