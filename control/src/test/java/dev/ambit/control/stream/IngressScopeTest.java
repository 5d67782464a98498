package dev.ambit.control.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.TestObjects;
import dev.ambit.control.crd.TrafficPolicyResource;
import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.control.model.ModelBuilder;
import dev.ambit.control.model.convert.K8sYaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an ingress gateway's config stream carries: the routes attached to its Gateway and their backends' policies. */
class IngressScopeTest {

    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: %s
              namespace: edge
            spec:
              gatewayClassName: ambit-ingress
              listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: All
            """;
    private static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: %s
              namespace: demo
            spec:
              parentRefs:
              - name: %s
                namespace: edge
              rules:
              - backendRefs:
                - name: %s
                  port: 80
            """;
    private static final String POLICY = """
            apiVersion: traffic.ambit.dev/v1
            kind: TrafficPolicy
            metadata:
              name: %s
              namespace: demo
            spec:
              targetRef:
                name: %s
            """;

    @Test
    void anIngressGatewayGetsTheRoutesAttachedToItAndTheirBackendsPolicies() {
        ModelBuilder builder = new ModelBuilder(StreamFixture.SETTINGS, new ConfigErrors() {
            @Override
            public void invalid(HasMetadata object, String field, String problem) {
                throw new AssertionError(field + ": " + problem);
            }

            @Override
            public void accepted(HasMetadata object) {
            }
        });
        for (HasMetadata object : new HasMetadata[] {
                TestObjects.service("demo", "hello", "10.96.0.10", Map.of("app", "hello"), 80),
                TestObjects.service("demo", "admin", "10.96.0.11", Map.of("app", "admin"), 80),
                K8sYaml.read(Gateway.class, GATEWAY.formatted("public")),
                K8sYaml.read(Gateway.class, GATEWAY.formatted("internal")),
                K8sYaml.read(HTTPRoute.class, ROUTE.formatted("hello", "public", "hello")),
                K8sYaml.read(HTTPRoute.class, ROUTE.formatted("admin", "internal", "admin")),
                K8sYaml.read(TrafficPolicyResource.class, POLICY.formatted("hello", "hello")),
                K8sYaml.read(TrafficPolicyResource.class, POLICY.formatted("admin", "admin"))}) {
            builder.apply(object, false);
        }
        ConfigSnapshot snapshot = builder.snapshot(1, 0);
        NamespacedName gateway = NamespacedName.of("edge", "public");
        WaypointScope scope = new WaypointScope(gateway, StreamFixture.SETTINGS.hostname(gateway), "ambit-system");

        assertEquals(Set.of("demo/hello"), scope.view(ResourceType.HTTP_ROUTE, snapshot).keySet());
        assertEquals(Set.of("demo/hello"), scope.view(ResourceType.TRAFFIC_POLICY, snapshot).keySet());
        assertEquals(Set.of("demo/hello", "demo/admin"), scope.view(ResourceType.SERVICE, snapshot).keySet(),
                "every service, as a waypoint gets them");
        assertEquals(Set.of(), scope.view(ResourceType.AUTHORIZATION_POLICY, snapshot).keySet());
    }
}
