package dev.ambit.control.model.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HttpRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Routes whose parent is an ingress Gateway: which parent references attach, by the Gateway API's rules. */
class IngressRouteConversionTest {

    /** Gateway edge/public: HTTP on 80 for any host, HTTPS on 443 for *.example.com, routes from every namespace
     * on 80 and from its own on 443. */
    private static final Gateway PUBLIC = K8sYaml.read(Gateway.class, """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: public
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
              - name: https
                port: 443
                protocol: HTTPS
                hostname: "*.example.com"
                tls:
                  certificateRefs:
                  - name: example-cert
            """);

    private static Optional<HttpRoute> convert(String namespace, String spec) {
        return HttpRouteConverter.convert(K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: %s
                spec:
                """.formatted(namespace) + spec.indent(2) + """
                  rules:
                  - backendRefs:
                    - name: web
                      namespace: demo
                      port: 80
                """), name -> name.equals(NamespacedName.of("edge", "public")) ? Optional.of(PUBLIC)
                : Optional.empty());
    }

    private static List<GatewayParentRef> parents(String namespace, String spec) {
        return convert(namespace, spec).map(HttpRoute::gatewayParentRefs).orElse(List.of());
    }

    @Test
    void aRouteAttachesToTheListenersOfAnIngressGatewayItNames() {
        HttpRoute route = convert("demo", """
                parentRefs:
                - name: public
                  namespace: edge
                hostnames: [www.example.com]
                """).orElseThrow();
        assertEquals(List.of(GatewayParentRef.of(NamespacedName.of("edge", "public"))), route.gatewayParentRefs());
        assertEquals(List.of(), route.parentRefs());
        assertEquals(List.of("www.example.com"), route.hostnames());

        assertEquals(List.of(new GatewayParentRef(NamespacedName.of("edge", "public"), Optional.of("https"),
                OptionalInt.empty())), parents("edge", """
                parentRefs:
                - name: public
                  sectionName: https
                """), "a section of the Gateway's own namespace");
    }

    @Test
    void aParentThatAttachesNowhereIsNotOurs() {
        assertEquals(Optional.empty(), convert("demo", """
                parentRefs:
                - name: public
                """), "edge/public is not in the route's namespace, and demo/public does not exist");
        assertEquals(List.of(), parents("demo", """
                parentRefs:
                - name: public
                  namespace: edge
                  sectionName: https
                """), "https admits routes of its own namespace only");
        assertEquals(List.of(), parents("edge", """
                parentRefs:
                - name: public
                  sectionName: https
                hostnames: [www.example.org]
                """), "no hostname meets the listener's");
        assertEquals(List.of(), parents("demo", """
                parentRefs:
                - name: public
                  namespace: edge
                  port: 8080
                """), "no listener on that port");
        assertEquals(List.of(), parents("demo", """
                parentRefs:
                - name: public
                  namespace: edge
                  kind: Service
                  group: ""
                - name: public
                  namespace: edge
                  group: example.com
                """), "a Service of that name, or another group's kind, is not the Gateway");
    }

    @Test
    void aGatewayOfAnotherClassTakesNoRoutes() {
        Gateway istio = K8sYaml.read(Gateway.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: public
                  namespace: edge
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                """);
        ParentReference ref = new ParentReferenceBuilder().withName("public").build();
        assertEquals(List.of("http", "https"), GatewayAttachment.listeners(PUBLIC, ref, "edge", List.of()).stream()
                .map(Listener::getName).toList(), "a route without hostnames takes each listener's own");
        assertEquals(List.of(), GatewayAttachment.listeners(istio, ref, "edge", List.of()));
    }

    @Test
    void hostnamesIntersectAsTheGatewayApiSays() {
        assertTrue(GatewayAttachment.intersect("www.example.com", "www.example.com"));
        assertTrue(GatewayAttachment.intersect("*.example.com", "www.example.com"));
        assertTrue(GatewayAttachment.intersect("a.b.example.com", "*.example.com"));
        assertTrue(GatewayAttachment.intersect("*.example.com", "*.b.example.com"));
        assertFalse(GatewayAttachment.intersect("*.example.com", "example.com"), "a wildcard needs one more label");
        assertFalse(GatewayAttachment.intersect("www.example.com", "api.example.com"));
        assertFalse(GatewayAttachment.intersect("*.example.com", "www.example.org"));
        assertFalse(GatewayAttachment.intersect("*.example.com", "wwwexample.com"));
    }
}
