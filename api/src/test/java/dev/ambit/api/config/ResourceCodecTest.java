package dev.ambit.api.config;

import static dev.ambit.api.model.ModelFixtures.HELLO;
import static dev.ambit.api.model.ModelFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceCodecTest {

    static Stream<ConfigResource> fullyPopulated() {
        return ModelFixtures.all().stream();
    }

    /** Objects with every optional part empty and every enum constant, so nothing relies on the fixtures' choices. */
    static Stream<ConfigResource> sparseAndEveryEnumValue() {
        List<ConfigResource> resources = new ArrayList<>();
        Workload full = ModelFixtures.workload();
        resources.add(new Workload("uid-2", full.name(), full.identity(), "node-2", List.of(), DataplaneMode.NONE,
                Optional.empty(), Optional.empty(), Map.of(), "hello", "latest", List.of()));
        resources.add(new Workload("uid-3", full.name(), full.identity(), "node-2", List.of(), DataplaneMode.NONE,
                Optional.empty(), Optional.empty(), Map.of(), "hello", "latest", List.of(), false));
        resources.add(new MeshService(HELLO, "hello.demo.svc.cluster.local", List.of(), List.of(), List.of(),
                Optional.empty(), Map.of()));
        for (AuthorizationPolicy.Action action : AuthorizationPolicy.Action.values()) {
            resources.add(new AuthorizationPolicy(HELLO, Map.of(), action, List.of()));
        }
        for (PeerAuthentication.Mode mode : PeerAuthentication.Mode.values()) {
            resources.add(new PeerAuthentication(HELLO, Map.of(), mode, Map.of()));
        }
        resources.add(new RequestAuthentication(HELLO, Map.of(), List.of()));
        resources.add(new HttpRoute(HELLO, List.of(ServiceRef.of(HELLO)),
                List.of(new RouteRule(List.of(), RouteFilters.NONE, List.of(), RouteTimeouts.NONE))));
        resources.add(new HttpRoute(HELLO, List.of(), List.of(GatewayParentRef.of(HELLO)), List.of(),
                List.of(new RouteRule(List.of(), RouteFilters.NONE, List.of(), RouteTimeouts.NONE))));
        for (LoadBalancerAlgorithm algorithm : LoadBalancerAlgorithm.values()) {
            resources.add(new TrafficPolicy(HELLO, ServiceRef.of(HELLO), algorithm, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(new FaultInjection(Optional.empty(), Optional.of(FaultAbort.grpc(100, 14)))),
                    Optional.empty()));
        }
        return resources.stream();
    }

    @ParameterizedTest
    @MethodSource({"fullyPopulated", "sparseAndEveryEnumValue"})
    void roundTripsThroughTheWire(ConfigResource model) throws Exception {
        Resource encoded = ResourceCodec.encode(model, "v7");
        Resource received = Resource.parseFrom(encoded.toByteArray());

        assertEquals(model.resourceName(), received.getName());
        assertEquals("v7", received.getVersion());
        assertEquals(model, ResourceCodec.decode(ResourceType.of(model), received));
    }

    @Test
    void encodingIsDeterministic() {
        TrafficPolicy policy = ModelFixtures.trafficPolicy();
        assertEquals(ResourceCodec.encode(policy, "1").toByteString(),
                ResourceCodec.encode(ModelFixtures.trafficPolicy(), "1").toByteString());
    }

    @Test
    void namesResourcesByUidOrNamespacedName() {
        assertEquals(ModelFixtures.WORKLOAD_UID, ResourceCodec.encode(ModelFixtures.workload(), "1").getName());
        assertEquals("demo/hello", ResourceCodec.encode(ModelFixtures.service(), "1").getName());
        assertEquals("demo/hello-split", ResourceCodec.encode(ModelFixtures.httpRoute(), "1").getName());
    }

    @Test
    void typedDecodeReturnsTheModelClass() {
        Resource resource = ResourceCodec.encode(ModelFixtures.service(), "1");
        MeshService service = ResourceCodec.decode(ResourceType.SERVICE, resource, MeshService.class);
        assertEquals(List.of(ip("10.96.0.10"), ip("fd00:10:96::a")), service.vips());
    }

    @Test
    void typeUrlsNameTheProtobufMessages() {
        assertEquals(List.of(
                        "type.ambit.dev/ambit.config.v1.Workload",
                        "type.ambit.dev/ambit.config.v1.Service",
                        "type.ambit.dev/ambit.config.v1.AuthorizationPolicy",
                        "type.ambit.dev/ambit.config.v1.PeerAuthentication",
                        "type.ambit.dev/ambit.config.v1.RequestAuthentication",
                        "type.ambit.dev/ambit.config.v1.HttpRoute",
                        "type.ambit.dev/ambit.config.v1.TrafficPolicy"),
                Arrays.stream(ResourceType.values()).map(ResourceType::typeUrl).toList());
        for (ResourceType type : ResourceType.values()) {
            assertEquals(Optional.of(type), ResourceType.fromTypeUrl(type.typeUrl()));
        }
        assertEquals(Optional.empty(), ResourceType.fromTypeUrl("type.googleapis.com/ambit.config.v1.Workload"));
    }

    @Test
    void rejectsAResourceWithoutBody() {
        Resource resource = Resource.newBuilder().setName("demo/hello").setVersion("1").build();
        assertEquals("Resource demo/hello: body: is not set", decodeError(ResourceType.SERVICE, resource));
    }

    @Test
    void rejectsABodyOfAnotherKindThanThePush() {
        Resource resource = ResourceCodec.encode(ModelFixtures.service(), "1");
        assertEquals("Resource demo/hello: body: is a Service but the push is for TrafficPolicy",
                decodeError(ResourceType.TRAFFIC_POLICY, resource));
    }

    @Test
    void rejectsANameThatDoesNotMatchTheBody() {
        Resource resource = ResourceCodec.encode(ModelFixtures.service(), "1").toBuilder().setName("demo/other").build();
        assertEquals("Resource demo/other: name: does not match the body, which names 'demo/hello'",
                decodeError(ResourceType.SERVICE, resource));
    }

    @Test
    void rejectsEnumValuesFromANewerController() {
        Resource resource = ResourceCodec.encode(ModelFixtures.trafficPolicy(), "1");
        resource = resource.toBuilder().setTrafficPolicy(resource.getTrafficPolicy().toBuilder().setLoadBalancerValue(42))
                .build();
        assertEquals("TrafficPolicy demo/hello: loadBalancer: has a value this client does not know",
                decodeError(ResourceType.TRAFFIC_POLICY, resource));
    }

    static String decodeError(ResourceType type, Resource resource) {
        return assertThrows(InvalidConfigException.class, () -> ResourceCodec.decode(type, resource)).getMessage();
    }
}
