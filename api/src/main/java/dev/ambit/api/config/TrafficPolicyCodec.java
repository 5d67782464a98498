package dev.ambit.api.config;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.config.v1.TrafficPolicy;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultDelay;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.api.model.traffic.RetryBudget;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import java.util.HashSet;

/** {@link dev.ambit.api.model.traffic.TrafficPolicy} ↔ {@code ambit.config.v1.TrafficPolicy}. */
final class TrafficPolicyCodec extends KindCodec<dev.ambit.api.model.traffic.TrafficPolicy> {

    TrafficPolicyCodec() {
        super(dev.ambit.api.model.traffic.TrafficPolicy.class);
    }

    @Override
    void encode(dev.ambit.api.model.traffic.TrafficPolicy policy, Resource.Builder resource) {
        var proto = TrafficPolicy.newBuilder()
                .setName(policy.name().name())
                .setNamespace(policy.name().namespace())
                .setTargetRef(ValueCodec.toProto(policy.targetRef()))
                .setLoadBalancer(EnumCodec.encode(policy.loadBalancer(), TrafficPolicy.LoadBalancer.class));
        policy.retries().ifPresent(retries -> proto.setRetries(toProto(retries)));
        policy.timeout().ifPresent(timeout -> proto.setTimeout(ValueCodec.toProto(timeout)));
        policy.circuitBreaker().ifPresent(breaker -> proto.setCircuitBreaker(toProto(breaker)));
        policy.outlierDetection().ifPresent(detection -> proto.setOutlierDetection(TrafficPolicy.OutlierDetection
                .newBuilder()
                .setConsecutive5Xx(detection.consecutive5xx())
                .setInterval(ValueCodec.toProto(detection.interval()))
                .setBaseEjectionTime(ValueCodec.toProto(detection.baseEjectionTime()))
                .setMaxEjectionPercent(detection.maxEjectionPercent())));
        policy.fault().ifPresent(fault -> proto.setFault(toProto(fault)));
        policy.mirror().ifPresent(mirror -> proto.setMirror(ValueCodec.toProto(mirror)));
        resource.setTrafficPolicy(proto);
    }

    @Override
    dev.ambit.api.model.traffic.TrafficPolicy decode(Resource resource) {
        TrafficPolicy proto = resource.getTrafficPolicy();
        return ValueCodec.namespaced(ResourceType.TRAFFIC_POLICY, proto.getNamespace(), proto.getName(),
                name -> new dev.ambit.api.model.traffic.TrafficPolicy(
                        name,
                        ConfigPath.at("targetRef", () -> ValueCodec.serviceRef(proto.getTargetRef())),
                        EnumCodec.decode("loadBalancer", proto.getLoadBalancer(), LoadBalancerAlgorithm.class,
                                LoadBalancerAlgorithm.ROUND_ROBIN),
                        ValueCodec.optional("retries", proto.hasRetries(), proto.getRetries(),
                                TrafficPolicyCodec::retries),
                        ValueCodec.optional("timeout", proto.hasTimeout(), proto.getTimeout(), ValueCodec::duration),
                        ValueCodec.optional("circuitBreaker", proto.hasCircuitBreaker(), proto.getCircuitBreaker(),
                                TrafficPolicyCodec::circuitBreaker),
                        ValueCodec.optional("outlierDetection", proto.hasOutlierDetection(),
                                proto.getOutlierDetection(), TrafficPolicyCodec::outlierDetection),
                        ValueCodec.optional("fault", proto.hasFault(), proto.getFault(), TrafficPolicyCodec::fault),
                        ValueCodec.optional("mirror", proto.hasMirror(), proto.getMirror(), ValueCodec::mirror)));
    }

    private static RetryPolicy retries(TrafficPolicy.Retry proto) {
        return new RetryPolicy(
                proto.getAttempts(),
                ValueCodec.optional("perTryTimeout", proto.hasPerTryTimeout(), proto.getPerTryTimeout(),
                        ValueCodec::duration),
                new HashSet<>(ConfigPath.each("retryOn", proto.getRetryOnList(),
                        retryOn -> EnumCodec.decode("", retryOn, RetryOn.class, null))),
                new HashSet<>(proto.getRetriableStatusCodesList()),
                new HashSet<>(proto.getRetriableGrpcStatusesList()),
                ValueCodec.optional("budget", proto.hasBudget(), proto.getBudget(), budget -> new RetryBudget(
                        budget.getRatio(),
                        budget.getMinRetriesPerSecond(),
                        ValueCodec.requiredDuration(budget.hasTtl(), budget.getTtl()))));
    }

    /** Sorted, so that equal policies encode to equal bytes. */
    private static TrafficPolicy.Retry toProto(RetryPolicy retries) {
        var proto = TrafficPolicy.Retry.newBuilder()
                .setAttempts(retries.attempts())
                .addAllRetryOn(retries.retryOn().stream().sorted()
                        .map(retryOn -> EnumCodec.encode(retryOn, TrafficPolicy.RetryOn.class)).toList())
                .addAllRetriableStatusCodes(retries.retriableStatusCodes().stream().sorted().toList())
                .addAllRetriableGrpcStatuses(retries.retriableGrpcStatuses().stream().sorted().toList());
        retries.perTryTimeout().ifPresent(timeout -> proto.setPerTryTimeout(ValueCodec.toProto(timeout)));
        retries.budget().ifPresent(budget -> proto.setBudget(TrafficPolicy.RetryBudget.newBuilder()
                .setRatio(budget.ratio())
                .setMinRetriesPerSecond(budget.minRetriesPerSecond())
                .setTtl(ValueCodec.toProto(budget.ttl()))));
        return proto.build();
    }

    private static CircuitBreaker circuitBreaker(TrafficPolicy.CircuitBreaker proto) {
        return new CircuitBreaker(
                ValueCodec.optionalInt(proto.hasMaxConnections(), proto.getMaxConnections()),
                ValueCodec.optionalInt(proto.hasMaxPendingRequests(), proto.getMaxPendingRequests()),
                ValueCodec.optionalInt(proto.hasMaxRequests(), proto.getMaxRequests()),
                ValueCodec.optionalInt(proto.hasMaxRetries(), proto.getMaxRetries()));
    }

    private static TrafficPolicy.CircuitBreaker toProto(CircuitBreaker breaker) {
        var proto = TrafficPolicy.CircuitBreaker.newBuilder();
        breaker.maxConnections().ifPresent(proto::setMaxConnections);
        breaker.maxPendingRequests().ifPresent(proto::setMaxPendingRequests);
        breaker.maxRequests().ifPresent(proto::setMaxRequests);
        breaker.maxRetries().ifPresent(proto::setMaxRetries);
        return proto.build();
    }

    private static OutlierDetection outlierDetection(TrafficPolicy.OutlierDetection proto) {
        return new OutlierDetection(
                proto.getConsecutive5Xx(),
                ValueCodec.requiredDuration(proto.hasInterval(), proto.getInterval()),
                ValueCodec.requiredDuration(proto.hasBaseEjectionTime(), proto.getBaseEjectionTime()),
                proto.getMaxEjectionPercent());
    }

    private static FaultInjection fault(TrafficPolicy.Fault proto) {
        return new FaultInjection(
                ValueCodec.optional("delay", proto.hasDelay(), proto.getDelay(), delay -> new FaultDelay(
                        delay.getPercentage(), ValueCodec.requiredDuration(delay.hasFixedDelay(), delay.getFixedDelay()))),
                ValueCodec.optional("abort", proto.hasAbort(), proto.getAbort(), abort -> new FaultAbort(
                        abort.getPercentage(),
                        ValueCodec.optionalInt(abort.hasHttpStatus(), abort.getHttpStatus()),
                        ValueCodec.optionalInt(abort.hasGrpcStatus(), abort.getGrpcStatus()))));
    }

    private static TrafficPolicy.Fault toProto(FaultInjection fault) {
        var proto = TrafficPolicy.Fault.newBuilder();
        fault.delay().ifPresent(delay -> proto.setDelay(TrafficPolicy.Fault.Delay.newBuilder()
                .setPercentage(delay.percentage())
                .setFixedDelay(ValueCodec.toProto(delay.fixedDelay()))));
        fault.abort().ifPresent(abort -> {
            var abortProto = TrafficPolicy.Fault.Abort.newBuilder().setPercentage(abort.percentage());
            abort.httpStatus().ifPresent(abortProto::setHttpStatus);
            abort.grpcStatus().ifPresent(abortProto::setGrpcStatus);
            proto.setAbort(abortProto);
        });
        return proto.build();
    }
}
