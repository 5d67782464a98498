package dev.ambit.control.model.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.Mirror;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HttpRouteConversionTest {

    private static Optional<HttpRoute> convert(String spec) {
        return HttpRouteConverter.convert(K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: demo
                spec:
                """ + spec.indent(2)));
    }

    private static HttpRoute route(String rules) {
        return convert("""
                parentRefs:
                - kind: Service
                  name: web
                  port: 80
                rules:
                """ + rules).orElseThrow();
    }

    private static InvalidConfigException invalid(String rules) {
        return assertThrows(InvalidConfigException.class, () -> route(rules));
    }

    @Test
    void onlyServiceParentsAreOurs() {
        assertEquals(Optional.empty(), convert("""
                parentRefs:
                - name: gateway
                - kind: Service
                  group: gateway.networking.k8s.io
                  name: not-core
                rules:
                - backendRefs:
                  - name: web
                    port: 80
                """));
        HttpRoute route = convert("""
                parentRefs:
                - kind: Gateway
                  name: gateway
                - kind: Service
                  name: web
                - kind: Service
                  group: core
                  name: api
                  namespace: other
                  port: 8080
                - kind: Service
                  group: ""
                  name: db
                rules:
                - backendRefs:
                  - name: web
                    port: 80
                """).orElseThrow();
        assertEquals(NamespacedName.of("demo", "r"), route.name());
        assertEquals(List.of(ServiceRef.of(NamespacedName.of("demo", "web")),
                ServiceRef.of(NamespacedName.of("other", "api"), 8080),
                ServiceRef.of(NamespacedName.of("demo", "db"))), route.parentRefs());
    }

    @Test
    void matchesDefaultToPathPrefixAndExactValues() {
        HttpRoute route = route("""
                - matches:
                  - path:
                      value: /api
                    headers:
                    - name: x-env
                      value: canary
                    - name: x-user
                      type: RegularExpression
                      value: u[0-9]+
                    queryParams:
                    - name: v
                      value: "2"
                    method: POST
                  - path:
                      type: Exact
                      value: /health
                  - path:
                      type: PathPrefix
                  - headers:
                    - name: x-any
                      type: Exact
                      value: "1"
                  backendRefs:
                  - name: web
                    port: 80
                """);
        List<RouteMatch> matches = route.rules().get(0).matches();
        assertEquals(new RouteMatch(Optional.of(PathMatch.prefix("/api")), List.of(
                new HeaderMatch("x-env", MatchType.EXACT, "canary"),
                new HeaderMatch("x-user", MatchType.REGEX, "u[0-9]+")),
                List.of(new HeaderMatch("v", MatchType.EXACT, "2")), Optional.of("POST")), matches.get(0));
        assertEquals(Optional.of(new PathMatch(MatchType.EXACT, "/health")), matches.get(1).path());
        assertEquals(Optional.of(PathMatch.prefix("/")), matches.get(2).path(), "a path without a value is /");
        assertEquals(Optional.empty(), matches.get(3).path());
        assertEquals(Optional.empty(), matches.get(3).method());
    }

    @Test
    void backendsDefaultToWeightOneAndTheRoutesNamespace() {
        RouteRule rule = route("""
                - backendRefs:
                  - name: web
                    port: 80
                  - kind: Service
                    name: canary
                    namespace: other
                    port: 8080
                    weight: 3
                  - name: off
                    port: 80
                    weight: 0
                """).rules().get(0);
        assertEquals(List.of(new BackendRef(ServiceRef.of(NamespacedName.of("demo", "web"), 80), 1),
                new BackendRef(ServiceRef.of(NamespacedName.of("other", "canary"), 8080), 3),
                new BackendRef(ServiceRef.of(NamespacedName.of("demo", "off"), 80), 0)), rule.backendRefs());
        assertEquals(RouteTimeouts.NONE, rule.timeouts());
        assertEquals(List.of(), rule.matches());
    }

    @Test
    void timeoutsAreGoDurations() {
        RouteRule rule = route("""
                - timeouts:
                    request: 1m30s
                    backendRequest: 250ms
                  backendRefs:
                  - name: web
                    port: 80
                """).rules().get(0);
        assertEquals(new RouteTimeouts(Optional.of(Duration.ofSeconds(90)), Optional.of(Duration.ofMillis(250))),
                rule.timeouts());
        InvalidConfigException e = invalid("""
                - timeouts:
                    request: 10 seconds
                  backendRefs:
                  - name: web
                    port: 80
                """);
        assertEquals("spec.rules[0].timeouts.request", e.field());
    }

    @Test
    void filtersBecomeTheRulesEffects() {
        RouteRule rule = route("""
                - matches:
                  - path:
                      value: /old
                  filters:
                  - type: RequestHeaderModifier
                    requestHeaderModifier:
                      set:
                      - name: x-a
                        value: "1"
                      add:
                      - name: x-b
                        value: "2"
                      remove: [x-c]
                  - type: ResponseHeaderModifier
                    responseHeaderModifier:
                      remove: [server]
                  - type: URLRewrite
                    urlRewrite:
                      hostname: new.example
                      path:
                        type: ReplacePrefixMatch
                        replacePrefixMatch: /new
                  - type: RequestMirror
                    requestMirror:
                      backendRef:
                        name: shadow
                        port: 80
                      percent: 25
                  - type: RequestMirror
                    requestMirror:
                      backendRef:
                        name: shadow2
                        namespace: other
                        port: 80
                      fraction:
                        numerator: 1
                        denominator: 8
                  - type: RequestMirror
                    requestMirror:
                      backendRef:
                        name: shadow3
                        port: 80
                      fraction:
                        numerator: 5
                  - type: RequestMirror
                    requestMirror:
                      backendRef:
                        name: shadow4
                        port: 80
                  backendRefs:
                  - name: web
                    port: 80
                """).rules().get(0);
        var filters = rule.filters();
        assertEquals(Map.of("x-a", "1"), filters.requestHeaders().orElseThrow().set());
        assertEquals(Map.of("x-b", "2"), filters.requestHeaders().orElseThrow().add());
        assertEquals(List.of("x-c"), filters.requestHeaders().orElseThrow().remove());
        assertEquals(List.of("server"), filters.responseHeaders().orElseThrow().remove());
        assertEquals(Optional.of("new.example"), filters.rewrite().orElseThrow().hostname());
        assertEquals(Optional.of(new PathReplacement(PathReplacement.Kind.PREFIX, "/new")),
                filters.rewrite().orElseThrow().path());
        assertEquals(List.of(new Mirror(ServiceRef.of(NamespacedName.of("demo", "shadow"), 80), 25),
                new Mirror(ServiceRef.of(NamespacedName.of("other", "shadow2"), 80), 12.5),
                new Mirror(ServiceRef.of(NamespacedName.of("demo", "shadow3"), 80), 5),
                new Mirror(ServiceRef.of(NamespacedName.of("demo", "shadow4"), 80), 100)), filters.mirrors());
    }

    @Test
    void aRedirectKeepsWhatItLeavesOut() {
        RouteRule full = route("""
                - filters:
                  - type: RequestRedirect
                    requestRedirect:
                      scheme: https
                      hostname: secure.example
                      port: 8443
                      statusCode: 301
                      path:
                        type: ReplaceFullPath
                        replaceFullPath: /moved
                """).rules().get(0);
        var redirect = full.filters().redirect().orElseThrow();
        assertEquals(Optional.of("https"), redirect.scheme());
        assertEquals(Optional.of("secure.example"), redirect.hostname());
        assertEquals(OptionalInt.of(8443), redirect.port());
        assertEquals(301, redirect.statusCode());
        assertEquals(Optional.of(new PathReplacement(PathReplacement.Kind.FULL, "/moved")), redirect.path());
        var bare = route("""
                - filters:
                  - type: RequestRedirect
                    requestRedirect:
                      scheme: ""
                """).rules().get(0).filters().redirect().orElseThrow();
        assertEquals(Optional.empty(), bare.scheme());
        assertEquals(Optional.empty(), bare.hostname());
        assertEquals(Optional.empty(), bare.path());
        assertEquals(OptionalInt.empty(), bare.port());
        assertEquals(302, bare.statusCode());
    }

    @Test
    void failuresNameTheFieldAsWritten() {
        assertEquals("spec.rules[0].filters[1].type", invalid("""
                - filters:
                  - type: RequestHeaderModifier
                    requestHeaderModifier:
                      remove: [x-a]
                  - type: ExtensionRef
                """).field());
        assertEquals("spec.rules[0].filters[0].requestHeaderModifier", invalid("""
                - filters:
                  - type: RequestHeaderModifier
                """).field());
        assertEquals("spec.rules[0].filters[0].requestRedirect", invalid("""
                - filters:
                  - type: RequestRedirect
                """).field());
        assertEquals("spec.rules[0].filters[0].urlRewrite", invalid("""
                - filters:
                  - type: URLRewrite
                """).field());
        assertEquals("spec.rules[0].filters[0].requestMirror", invalid("""
                - filters:
                  - type: RequestMirror
                """).field());
        assertEquals("spec.rules[0].filters[0].requestMirror.backendRef", invalid("""
                - filters:
                  - type: RequestMirror
                    requestMirror: {}
                """).field());
        assertEquals("spec.rules[0].filters[0].urlRewrite.path.type", invalid("""
                - filters:
                  - type: URLRewrite
                    urlRewrite:
                      path:
                        type: Sideways
                """).field());
        assertEquals("spec.rules[0].matches[0].path.type", invalid("""
                - matches:
                  - path:
                      type: Glob
                      value: /x
                """).field());
        InvalidConfigException kind = invalid("""
                - backendRefs:
                  - kind: Bucket
                    name: b
                """);
        assertEquals("spec.rules[0].backendRefs[0].kind", kind.field());
        assertTrue(kind.problem().contains("only Service backends"), kind.problem());
        assertTrue(invalid("""
                - matches:
                  - headers:
                    - name: x-a
                      type: Shout
                      value: b
                """).field().startsWith("spec.rules[0].matches[0].headers[0]"));
        assertEquals("spec", assertThrows(InvalidConfigException.class, () -> HttpRouteConverter.convert(
                K8sYaml.read(HTTPRoute.class, """
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: HTTPRoute
                        metadata:
                          name: r
                          namespace: demo
                        """))).field());
    }

    @Test
    void aServiceIsNamedByKindServiceInTheCoreGroup() {
        assertTrue(HttpRouteConverter.isService(null, "Service"));
        assertTrue(HttpRouteConverter.isService("", "Service"));
        assertTrue(HttpRouteConverter.isService("core", "Service"));
        assertEquals(false, HttpRouteConverter.isService("core", null));
        assertEquals(false, HttpRouteConverter.isService("apps", "Service"));
    }
}
