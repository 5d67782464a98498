package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.NamespacedResource;
import dev.ambit.api.model.ServiceRef;
import java.time.Duration;
import java.util.Optional;

/**
 * How waypoints send traffic to one service (or one of its ports): load balancing and resilience. A policy may
 * only target a service of its own namespace, so that nobody can change how others' services are called.
 *
 * @param timeout for the whole request, retries included
 */
public record TrafficPolicy(
        NamespacedName name,
        ServiceRef targetRef,
        LoadBalancerAlgorithm loadBalancer,
        Optional<RetryPolicy> retries,
        Optional<Duration> timeout,
        Optional<CircuitBreaker> circuitBreaker,
        Optional<OutlierDetection> outlierDetection,
        Optional<FaultInjection> fault,
        Optional<Mirror> mirror) implements NamespacedResource {

    public TrafficPolicy {
        FieldValidator v = FieldValidator.of("TrafficPolicy", name);
        v.required("name", name);
        String targetNamespace = v.required("targetRef", targetRef).service().namespace();
        v.check(targetNamespace.equals(name.namespace()), "targetRef.namespace",
                "'" + targetNamespace + "' is not the policy's namespace '" + name.namespace() + "'");
        v.required("loadBalancer", loadBalancer);
        retries = v.optional(retries);
        timeout = v.optional(timeout);
        timeout.ifPresent(duration -> v.positive("timeout", duration));
        circuitBreaker = v.optional(circuitBreaker);
        outlierDetection = v.optional(outlierDetection);
        fault = v.optional(fault);
        mirror = v.optional(mirror);
    }
}
