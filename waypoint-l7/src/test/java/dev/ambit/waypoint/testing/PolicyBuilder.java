package dev.ambit.waypoint.testing;

import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.api.model.traffic.TrafficPolicy;
import java.time.Duration;
import java.util.Optional;

/** Test-side builder of {@link TrafficPolicy}: the record has nine components, most of them empty in a test. */
public final class PolicyBuilder {

    private final String service;
    private LoadBalancerAlgorithm algorithm = LoadBalancerAlgorithm.ROUND_ROBIN;
    private Optional<RetryPolicy> retries = Optional.empty();
    private Optional<Duration> timeout = Optional.empty();
    private Optional<CircuitBreaker> breaker = Optional.empty();
    private Optional<OutlierDetection> outliers = Optional.empty();
    private Optional<FaultInjection> fault = Optional.empty();
    private Optional<Mirror> mirror = Optional.empty();

    PolicyBuilder(String service) {
        this.service = service;
    }

    public PolicyBuilder balancer(LoadBalancerAlgorithm value) {
        algorithm = value;
        return this;
    }

    public PolicyBuilder retries(RetryPolicy value) {
        retries = Optional.of(value);
        return this;
    }

    public PolicyBuilder timeout(Duration value) {
        timeout = Optional.of(value);
        return this;
    }

    public PolicyBuilder circuitBreaker(CircuitBreaker value) {
        breaker = Optional.of(value);
        return this;
    }

    public PolicyBuilder outlierDetection(OutlierDetection value) {
        outliers = Optional.of(value);
        return this;
    }

    public PolicyBuilder fault(FaultInjection value) {
        fault = Optional.of(value);
        return this;
    }

    public PolicyBuilder mirror(Mirror value) {
        mirror = Optional.of(value);
        return this;
    }

    public TrafficPolicy build() {
        return new TrafficPolicy(Mesh.name(service + "-policy"), ServiceRef.of(Mesh.name(service)), algorithm, retries,
                timeout, breaker, outliers, fault, mirror);
    }
}
