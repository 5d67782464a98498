package dev.ambit.control.model.convert;

import static dev.ambit.api.model.ConfigPath.at;
import static dev.ambit.control.model.convert.Fields.list;
import static dev.ambit.control.model.convert.Fields.optionalInt;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultDelay;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.api.model.traffic.RetryBudget;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.control.crd.TrafficPolicyResource;
import dev.ambit.control.crd.TrafficPolicySpec;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** {@code TrafficPolicy.traffic.ambit.dev} into the model; failures name the field as written under {@code spec}. */
public final class TrafficPolicyConverter {

    private TrafficPolicyConverter() {
    }

    public static TrafficPolicy convert(TrafficPolicyResource resource) {
        TrafficPolicySpec spec = SecurityPolicyConverter.spec(resource.getSpec());
        NamespacedName name = SecurityPolicyConverter.nameOf(resource);
        return at("spec", () -> new TrafficPolicy(name,
                at("targetRef", () -> serviceRef(name.namespace(), Fields.required("", spec.targetRef()))),
                Fields.enumValue(LoadBalancerAlgorithm.class, "loadBalancer", spec.loadBalancer(),
                        LoadBalancerAlgorithm.ROUND_ROBIN),
                optional("retries", spec.retries(), TrafficPolicyConverter::retries),
                GoDurations.optional("timeout", spec.timeout()),
                optional("circuitBreaker", spec.circuitBreaker(), breaker -> new CircuitBreaker(
                        optionalInt(breaker.maxConnections()), optionalInt(breaker.maxPendingRequests()),
                        optionalInt(breaker.maxRequests()), optionalInt(breaker.maxRetries()))),
                optional("outlierDetection", spec.outlierDetection(), TrafficPolicyConverter::outlierDetection),
                optional("fault", spec.fault(), TrafficPolicyConverter::fault),
                optional("mirror", spec.mirror(), mirror -> new Mirror(
                        at("backend", () -> serviceRef(name.namespace(), Fields.required("", mirror.backend()))),
                        number(mirror.percentage(), 100)))));
    }

    static ServiceRef serviceRef(String defaultNamespace, TrafficPolicySpec.ServiceTarget target) {
        NamespacedName service = NamespacedName.of(target.namespace() == null ? defaultNamespace : target.namespace(),
                target.name());
        return new ServiceRef(service, optionalInt(target.port()));
    }

    private static RetryPolicy retries(TrafficPolicySpec.Retries retries) {
        Set<RetryOn> retryOn = new HashSet<>();
        var conditions = list(retries.retryOn());
        for (int i = 0; i < conditions.size(); i++) {
            retryOn.add(Fields.enumValue(RetryOn.class, "retryOn[" + i + "]", conditions.get(i), null));
        }
        return new RetryPolicy(retries.attempts() == null ? 0 : retries.attempts(),
                GoDurations.optional("perTryTimeout", retries.perTryTimeout()), retryOn,
                new HashSet<>(list(retries.retriableStatusCodes())),
                new HashSet<>(list(retries.retriableGrpcStatuses())),
                optional("budget", retries.budget(), budget -> new RetryBudget(number(budget.ratio(), 0),
                        budget.minRetriesPerSecond() == null ? 0 : budget.minRetriesPerSecond(),
                        GoDurations.parse("ttl", budget.ttl() == null ? "10s" : budget.ttl()))));
    }

    private static OutlierDetection outlierDetection(TrafficPolicySpec.OutlierDetection detection) {
        return new OutlierDetection(detection.consecutive5xx() == null ? 5 : detection.consecutive5xx(),
                GoDurations.parse("interval", detection.interval() == null ? "10s" : detection.interval()),
                GoDurations.parse("baseEjectionTime",
                        detection.baseEjectionTime() == null ? "30s" : detection.baseEjectionTime()),
                detection.maxEjectionPercent() == null ? 10 : detection.maxEjectionPercent());
    }

    private static FaultInjection fault(TrafficPolicySpec.Fault fault) {
        return new FaultInjection(
                optional("delay", fault.delay(), delay -> new FaultDelay(number(delay.percentage(), 100),
                        GoDurations.parse("fixedDelay", delay.fixedDelay()))),
                optional("abort", fault.abort(), abort -> new FaultAbort(number(abort.percentage(), 100),
                        optionalInt(abort.httpStatus()), optionalInt(abort.grpcStatus()))));
    }

    private static double number(Double value, double absent) {
        return value == null ? absent : value;
    }

    private static <S, T> Optional<T> optional(String field, S value, Function<S, T> convert) {
        return value == null ? Optional.empty() : Optional.of(at(field, () -> convert.apply(value)));
    }
}
