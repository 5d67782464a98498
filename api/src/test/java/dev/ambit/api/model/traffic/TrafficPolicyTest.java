package dev.ambit.api.model.traffic;

import static dev.ambit.api.model.ConfigAssertions.assertInvalid;
import static dev.ambit.api.model.ModelFixtures.HELLO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficPolicyTest {

    @Test
    void copiesWhatItIsGiven() {
        Set<RetryOn> retryOn = new HashSet<>(Set.of(RetryOn.RESET));
        Set<Integer> grpc = new HashSet<>(Set.of(14));
        RetryPolicy retries = new RetryPolicy(2, null, retryOn, null, grpc, null);

        retryOn.add(RetryOn.HTTP_5XX);
        grpc.clear();

        assertEquals(Set.of(RetryOn.RESET), retries.retryOn());
        assertEquals(Set.of(14), retries.retriableGrpcStatuses());
        assertEquals(Optional.empty(), retries.perTryTimeout());
        assertThrows(UnsupportedOperationException.class, () -> retries.retryOn().add(RetryOn.RESET));
    }

    @Test
    void nestedRecordsNameThemselves() {
        assertInvalid("FaultAbort: percentage: 150 is not within 0..100", () -> FaultAbort.http(150, 503));
        assertInvalid("FaultDelay: fixedDelay: 'PT-0.001S' is negative", () -> new FaultDelay(1, Duration.ofMillis(-1)));
        assertInvalid("CircuitBreaker: maxPendingRequests: -1 is not within 0..2147483647",
                () -> new CircuitBreaker(null, OptionalInt.of(-1), null, null));
        assertInvalid("Mirror: backend.port: is required", () -> new Mirror(ServiceRef.of(HELLO), 10));
    }

    @Test
    void mayOnlyTargetItsOwnNamespace() {
        TrafficPolicy valid = ModelFixtures.trafficPolicy();
        assertInvalid("TrafficPolicy demo/hello: targetRef.namespace: 'other' is not the policy's namespace 'demo'",
                () -> new TrafficPolicy(HELLO, ServiceRef.of(NamespacedName.of("other", "hello")), valid.loadBalancer(),
                        valid.retries(), valid.timeout(), valid.circuitBreaker(), valid.outlierDetection(),
                        valid.fault(), valid.mirror()));
    }

    @Test
    void needsNoMoreThanATargetAndAnAlgorithm() {
        TrafficPolicy minimal = new TrafficPolicy(HELLO, ServiceRef.of(HELLO), LoadBalancerAlgorithm.LEAST_REQUEST,
                null, null, null, null, null, null);
        assertEquals(Optional.empty(), minimal.retries());
        assertEquals("demo/hello", minimal.resourceName());
    }
}
