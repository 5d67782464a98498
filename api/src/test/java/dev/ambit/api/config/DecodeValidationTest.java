package dev.ambit.api.config;

import static dev.ambit.api.config.ResourceCodecTest.decodeError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Duration;
import dev.ambit.api.config.v1.AuthorizationPolicy;
import dev.ambit.api.config.v1.HttpRoute;
import dev.ambit.api.config.v1.PeerAuthentication;
import dev.ambit.api.config.v1.RequestAuthentication;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.config.v1.Service;
import dev.ambit.api.config.v1.TrafficPolicy;
import dev.ambit.api.config.v1.Workload;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.ModelFixtures;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every validation rule, seen the way the data plane sees it: a pushed resource with one bad field, and the NACK
 * reason it produces, which must name the resource and the full path of the field.
 */
class DecodeValidationTest {

    private static final String DNS_LABEL = " is not a DNS label (lower-case letters, digits and '-', at most 63 characters)";
    private static final String DNS_SUBDOMAIN =
            " is not a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)";

    @ParameterizedTest(name = "{0}")
    @MethodSource({"workloads", "services", "authorizationPolicies", "authentications", "httpRoutes", "trafficPolicies"})
    void nacksWithObjectAndField(String expected, ResourceType type, Resource resource) {
        assertEquals(expected, decodeError(type, resource));
    }

    static Stream<Arguments> workloads() {
        return Stream.of(
                workload("addresses[1]: '300.1.2.3' is not an IP address", w -> w.setAddresses(1, "300.1.2.3")),
                workload("addresses[0]: 'localhost' is not an IP address", w -> w.setAddresses(0, "localhost")),
                workload("addresses[1]: '10.244.1.17' is listed twice", w -> w.setAddresses(1, "10.244.1.17")),
                workload("uid: must not be empty", w -> w.setUid("")),
                workload("uid: 'pod 1' has a character outside printable ASCII", w -> w.setUid("pod 1")),
                workload("identity: invalid service account 'Hello': must be a DNS subdomain (lower-case letters, "
                        + "digits, '-' and '.', at most 253 characters)", w -> w.setServiceAccount("Hello")),
                workload("identity: invalid trust domain 'Cluster.Local': use lower-case letters, digits, '.', '-' "
                        + "or '_' (for example cluster.local)", w -> w.setTrustDomain("Cluster.Local")),
                workload("node: ''" + DNS_SUBDOMAIN, w -> w.setNode("")),
                workload("dataplaneMode: is required", w -> w.clearDataplaneMode()),
                workload("tunnel: is required when dataplaneMode is AMBIENT", w -> w.clearTunnel()),
                workload("tunnel.ip: 'node-1' is not an IP address", w -> w.getTunnelBuilder().setIp("node-1")),
                workload("tunnel.port: 70000 is not within 1..65535", w -> w.getTunnelBuilder().setPort(70000)),
                workload("waypoint.hostname: exactly one of hostname and address must be set",
                        w -> w.getWaypointBuilder().clearDestination()),
                workload("waypoint.hostname: 'Waypoint'" + DNS_SUBDOMAIN, w -> w.getWaypointBuilder().setHostname("Waypoint")),
                workload("waypoint.address: 'fe80::1%eth0' is not an IP address",
                        w -> w.getWaypointBuilder().setAddress("fe80::1%eth0")),
                workload("labels: 'bad key' is not a valid label key", w -> w.putLabels("bad key", "x")),
                workload("labels[app]: 'a/b' is not a valid label value (at most 63 letters, digits, '-', '_' or '.')",
                        w -> w.putLabels("app", "a/b")),
                workload("canonicalName: must not be empty", w -> w.setCanonicalName("")),
                workload("canonicalRevision: 'v 1' is not a valid label value (at most 63 letters, digits, '-', '_' "
                        + "or '.')", w -> w.setCanonicalRevision("v 1")),
                workload("services[0]: 'hello' is not of the form <namespace>/<name>", w -> w.setServices(0, "hello")),
                workload("services[1]: 'demo/hello' is listed twice", w -> w.setServices(1, "demo/hello")),
                Arguments.of("Workload Demo/hello-v1: namespace: 'Demo'" + DNS_LABEL, ResourceType.WORKLOAD,
                        edit(ModelFixtures.workload(), Resource.Builder::getWorkloadBuilder, w -> w.setNamespace("Demo"))),
                Arguments.of("Workload demo/hello_v1: name: 'hello_v1'" + DNS_SUBDOMAIN, ResourceType.WORKLOAD,
                        edit(ModelFixtures.workload(), Resource.Builder::getWorkloadBuilder, w -> w.setName("hello_v1"))));
    }

    static Stream<Arguments> services() {
        return Stream.of(
                service("hostname: 'Hello.demo'" + DNS_SUBDOMAIN, s -> s.setHostname("Hello.demo")),
                service("vips[0]: '10.96.0.10/32' is not an IP address", s -> s.setVips(0, "10.96.0.10/32")),
                service("ports[1].port: 0 is not within 1..65535", s -> s.getPortsBuilder(1).setPort(0)),
                service("ports[1].targetPort: 70000 is not within 1..65535", s -> s.getPortsBuilder(1).setTargetPort(70000)),
                service("ports[1].port: 80 is listed twice", s -> s.getPortsBuilder(1).setPort(80)),
                service("ports[1].name: is required when a service has more than one port", s -> s.getPortsBuilder(1).setName("")),
                service("ports[1].name: 'http' is listed twice", s -> s.getPortsBuilder(1).setName("http")),
                service("ports[0].name: 'HTTP'" + DNS_LABEL, s -> s.getPortsBuilder(0).setName("HTTP")),
                service("ports[0].appProtocol: 'h t t p' has a character outside printable ASCII",
                        s -> s.getPortsBuilder(0).setAppProtocol("h t t p")),
                service("endpoints[0].address: 'hello-v1' is not an IP address", s -> s.getEndpointsBuilder(0).setAddress("hello-v1")),
                service("endpoints[1].workloadUid: must not be empty", s -> s.getEndpointsBuilder(1).setWorkloadUid("")),
                service("endpoints[0].ports[80]: 0 is not within 1..65535", s -> s.getEndpointsBuilder(0).putPorts(80, 0)),
                service("endpoints[1].ports: 8443 is not a port of the service", s -> s.getEndpointsBuilder(1).putPorts(8443, 8443)),
                service("waypoint.port: 65536 is not within 1..65535", s -> s.getWaypointBuilder().setPort(65536)));
    }

    static Stream<Arguments> authorizationPolicies() {
        return Stream.of(
                authorization("action: is required", p -> p.clearAction()),
                authorization("selector: 'app=hello' is not a valid label key", p -> p.putSelector("app=hello", "")),
                authorization("rules[0].from[0].principals[0]: 'spiffe://cluster.local/ns/demo' does not have the path "
                        + "/ns/<namespace>/sa/<service-account>", p -> source(p).setPrincipals(0, "spiffe://cluster.local/ns/demo")),
                authorization("rules[0].from[0].notPrincipals[0]: 'demo/frontend' is not a SPIFFE ID: it must start with "
                        + "spiffe://", p -> source(p).setNotPrincipals(0, "demo/frontend")),
                authorization("rules[0].from[0].namespaces[1]: 'Ambit'" + DNS_LABEL, p -> source(p).setNamespaces(1, "Ambit")),
                authorization("rules[0].from[0].notNamespaces[0]: ''" + DNS_LABEL, p -> source(p).setNotNamespaces(0, "")),
                authorization("rules[0].to[0].ports[0]: 0 is not within 1..65535", p -> operation(p).setPorts(0, 0)),
                authorization("rules[0].to[0].notPorts[0]: 65536 is not within 1..65535", p -> operation(p).setNotPorts(0, 65536)),
                authorization("rules[0].to[0].methods[1]: 'HE AD' is not an HTTP token", p -> operation(p).setMethods(1, "HE AD")),
                authorization("rules[0].to[0].paths[0]: 'api/*' does not start with '/' or '*'", p -> operation(p).setPaths(0, "api/*")),
                authorization("rules[0].to[0].notPaths[0]: '/api/*/admin' has a '*' that is neither first nor last",
                        p -> operation(p).setNotPaths(0, "/api/*/admin")),
                authorization("rules[0].to[0].hosts[0]: must not be empty", p -> operation(p).setHosts(0, "")),
                authorization("rules[0].when[0].key: 'request.body' is not a supported attribute",
                        p -> p.getRulesBuilder(0).getWhenBuilder(0).setKey("request.body")),
                authorization("rules[0].when[0].key: 'request.headers[x y]' is not a supported attribute",
                        p -> p.getRulesBuilder(0).getWhenBuilder(0).setKey("request.headers[x y]")),
                authorization("rules[0].when[1].values: values or notValues must be set",
                        p -> p.getRulesBuilder(0).getWhenBuilder(1).clearValues()));
    }

    static Stream<Arguments> authentications() {
        return Stream.of(
                peer("portModes: requires a selector", p -> p.clearSelector()),
                peer("portModes: 0 is not within 1..65535", p -> p.putPortModes(0, PeerAuthentication.Mode.STRICT)),
                peer("portModes[9090]: has a value this client does not know", p -> p.putPortModesValue(9090, 9)),
                peer("mode: has a value this client does not know", p -> p.setModeValue(7)),
                jwt("jwtRules[0].issuer: must not be empty", r -> r.getJwtRulesBuilder(0).setIssuer("")),
                jwt("jwtRules[0].audiences[1]: must not be empty", r -> r.getJwtRulesBuilder(0).setAudiences(1, "")),
                jwt("jwtRules[0].jwksUri: exactly one of jwksUri and jwks must be set",
                        r -> r.getJwtRulesBuilder(0).setJwks("{\"keys\":[]}")),
                jwt("jwtRules[1].jwksUri: exactly one of jwksUri and jwks must be set", r -> r.getJwtRulesBuilder(1).clearJwks()),
                jwt("jwtRules[0].jwksUri: 'ftp://issuer.example.com/jwks' is not an absolute http(s) URI",
                        r -> r.getJwtRulesBuilder(0).setJwksUri("ftp://issuer.example.com/jwks")),
                jwt("jwtRules[0].jwksUri: 'https://issuer example.com' is not a URI: Illegal character in authority",
                        r -> r.getJwtRulesBuilder(0).setJwksUri("https://issuer example.com")),
                jwt("jwtRules[1].jwks: is not a JSON object", r -> r.getJwtRulesBuilder(1).setJwks("keys")),
                jwt("jwtRules[1].jwks: is longer than 65536 characters",
                        r -> r.getJwtRulesBuilder(1).setJwks("{" + " ".repeat(65536) + "}")),
                jwt("jwtRules[1]: 'https://issuer.example.com' is listed twice",
                        r -> r.getJwtRulesBuilder(1).setIssuer("https://issuer.example.com")),
                jwt("jwtRules[0].fromHeaders[0].name: 'x jwt' is not an HTTP token",
                        r -> r.getJwtRulesBuilder(0).getFromHeadersBuilder(0).setName("x jwt")),
                jwt("jwtRules[0].fromHeaders[0].prefix: header value contains CR, LF or NUL",
                        r -> r.getJwtRulesBuilder(0).getFromHeadersBuilder(0).setPrefix("Bearer\r\n")),
                jwt("jwtRules[0].fromHeaders[1]: 'authorization' is listed twice",
                        r -> r.getJwtRulesBuilder(0).getFromHeadersBuilder(1).setName("Authorization")));
    }

    static Stream<Arguments> httpRoutes() {
        return Stream.of(
                route("rules[0].backendRefs: weights sum to 0", r -> {
                    r.getRulesBuilder(0).getBackendRefsBuilder(0).setWeight(0);
                    r.getRulesBuilder(0).getBackendRefsBuilder(1).setWeight(0);
                }),
                route("rules[0].backendRefs[1].weight: 1000001 is not within 0..1000000",
                        r -> r.getRulesBuilder(0).getBackendRefsBuilder(1).setWeight(1_000_001)),
                route("rules[0].backendRefs[0].service.port: is required",
                        r -> r.getRulesBuilder(0).getBackendRefsBuilder(0).getServiceBuilder().clearPort()),
                route("rules[0].backendRefs[0].service.name: 'Hello'" + DNS_SUBDOMAIN,
                        r -> r.getRulesBuilder(0).getBackendRefsBuilder(0).getServiceBuilder().setName("Hello")),
                route("parentRefs: must not be empty", r -> r.clearParentRefs()),
                route("parentRefs[1]: 'demo/hello:80' is listed twice", r -> r.setParentRefs(1, r.getParentRefs(0))),
                route("parentRefs[0].port: 0 is not within 1..65535", r -> r.getParentRefsBuilder(0).setPort(0)),
                route("rules: must not be empty", r -> r.clearRules()),
                route("rules[0].matches[0].path.value: 'api' does not start with '/'", r -> match(r).getPathBuilder().setValue("api")),
                route("rules[0].matches[0].path.value: '/api?x=1' has a query or fragment",
                        r -> match(r).getPathBuilder().setValue("/api?x=1")),
                route("rules[2].matches[0].path.value: '(' is not a valid regex: Unclosed group",
                        r -> r.getRulesBuilder(2).getMatchesBuilder(0).getPathBuilder().setValue("(")),
                route("rules[2].matches[0].path.value: regex is longer than 1024 characters",
                        r -> r.getRulesBuilder(2).getMatchesBuilder(0).getPathBuilder().setValue("/" + "a".repeat(1024))),
                route("rules[0].matches[0].headers[0].type: PREFIX only applies to paths",
                        r -> match(r).getHeadersBuilder(0).setType(HttpRoute.MatchType.PREFIX)),
                route("rules[0].matches[0].headers[0].name: 'x canary' is not an HTTP token",
                        r -> match(r).getHeadersBuilder(0).setName("x canary")),
                route("rules[0].matches[0].headers[0].value: header value contains CR, LF or NUL",
                        r -> match(r).getHeadersBuilder(0).setValue("true\n")),
                route("rules[0].matches[0].queryParams[0].value: '[' is not a valid regex: Unclosed character class",
                        r -> match(r).getQueryParamsBuilder(0).setType(HttpRoute.MatchType.REGEX).setValue("[")),
                route("rules[0].matches[0].method: 'GE T' is not an HTTP token", r -> match(r).setMethod("GE T")),
                route("rules[0].filters.requestHeaders.set[x-route]: header value contains CR, LF or NUL",
                        r -> filters(r).getRequestHeaderModifierBuilder().putSet("x-route", "a\r\nx-evil: 1")),
                route("rules[0].filters.responseHeaders.remove[0]: 'se rver' is not an HTTP token",
                        r -> filters(r).getResponseHeaderModifierBuilder().setRemove(0, "se rver")),
                route("rules[0].filters.requestHeaders.add: 'x added' is not an HTTP token",
                        r -> filters(r).getRequestHeaderModifierBuilder().putAdd("x added", "1")),
                route("rules[0].filters.rewrite: cannot be combined with redirect",
                        r -> filters(r).getRequestRedirectBuilder().setStatusCode(302)),
                route("rules[0].filters.rewrite.hostname: hostname or path must be set",
                        r -> filters(r).getUrlRewriteBuilder().clearHostname().clearPath()),
                route("rules[0].filters.rewrite.path: PREFIX replacement needs every match to have a PREFIX path match",
                        r -> match(r).getPathBuilder().setType(HttpRoute.MatchType.EXACT)),
                route("rules[0].filters.rewrite.path.value: 'v2' does not start with '/'",
                        r -> filters(r).getUrlRewriteBuilder().getPathBuilder().setValue("v2")),
                route("rules[1].filters.redirect.path.kind: is required",
                        r -> r.getRulesBuilder(1).getFiltersBuilder().getRequestRedirectBuilder().getPathBuilder().clearKind()),
                route("rules[1].filters.redirect.statusCode: 200 is not a redirect status (301, 302, 303, 307, 308)",
                        r -> r.getRulesBuilder(1).getFiltersBuilder().getRequestRedirectBuilder().setStatusCode(200)),
                route("rules[1].filters.redirect.scheme: 'ftp' is neither http nor https",
                        r -> r.getRulesBuilder(1).getFiltersBuilder().getRequestRedirectBuilder().setScheme("ftp")),
                route("rules[1].filters.redirect.port: 0 is not within 1..65535",
                        r -> r.getRulesBuilder(1).getFiltersBuilder().getRequestRedirectBuilder().setPort(0)),
                route("rules[0].filters.mirrors[0].percentage: 101 is not within 0..100",
                        r -> filters(r).getRequestMirrorsBuilder(0).setPercentage(101)),
                route("rules[0].filters.mirrors[0].backend.port: is required",
                        r -> filters(r).getRequestMirrorsBuilder(0).getBackendBuilder().clearPort()),
                route("rules[0].timeouts.backendRequest: 'PT20S' is longer than request 'PT10S'",
                        r -> r.getRulesBuilder(0).getTimeoutsBuilder().setBackendRequest(seconds(20))),
                route("rules[0].timeouts.request: 'PT-1S' is negative",
                        r -> r.getRulesBuilder(0).getTimeoutsBuilder().setRequest(seconds(-1))));
    }

    static Stream<Arguments> trafficPolicies() {
        return Stream.of(
                traffic("fault.abort.percentage: 150 is not within 0..100",
                        t -> t.getFaultBuilder().getAbortBuilder().setPercentage(150)),
                traffic("fault.abort.percentage: NaN is not within 0..100",
                        t -> t.getFaultBuilder().getAbortBuilder().setPercentage(Double.NaN)),
                traffic("fault.abort.httpStatus: 100 is not within 200..599",
                        t -> t.getFaultBuilder().getAbortBuilder().setHttpStatus(100)),
                traffic("fault.abort.grpcStatus: 0 is not within 1..16",
                        t -> t.getFaultBuilder().getAbortBuilder().setGrpcStatus(0)),
                traffic("fault.abort.httpStatus: exactly one of httpStatus and grpcStatus must be set",
                        t -> t.getFaultBuilder().getAbortBuilder().clearStatus()),
                traffic("fault.delay.percentage: -0.5 is not within 0..100",
                        t -> t.getFaultBuilder().getDelayBuilder().setPercentage(-0.5)),
                traffic("fault.delay.fixedDelay: is required", t -> t.getFaultBuilder().getDelayBuilder().clearFixedDelay()),
                traffic("fault.delay.fixedDelay: 'PT-1S' is negative",
                        t -> t.getFaultBuilder().getDelayBuilder().setFixedDelay(seconds(-1))),
                traffic("fault.delay: delay or abort must be set", t -> t.getFaultBuilder().clear()),
                traffic("targetRef.namespace: 'other' is not the policy's namespace 'demo'",
                        t -> t.getTargetRefBuilder().setNamespace("other")),
                traffic("timeout: 'PT0S' is not positive", t -> t.setTimeout(seconds(0))),
                traffic("retries.attempts: 11 is not within 0..10", t -> t.getRetriesBuilder().setAttempts(11)),
                traffic("retries.perTryTimeout: 'PT-1S' is not positive", t -> t.getRetriesBuilder().setPerTryTimeout(seconds(-1))),
                traffic("retries.retriableStatusCodes: 600 is not within 100..599",
                        t -> t.getRetriesBuilder().addRetriableStatusCodes(600)),
                traffic("retries.retriableStatusCodes: must be set exactly when retryOn has RETRIABLE_STATUS_CODES",
                        t -> t.getRetriesBuilder().clearRetriableStatusCodes()),
                traffic("retries.retriableGrpcStatuses: 17 is not within 1..16",
                        t -> t.getRetriesBuilder().addRetriableGrpcStatuses(17)),
                traffic("retries.retryOn: is empty, so no request would ever be retried",
                        t -> t.getRetriesBuilder().clearRetryOn().clearRetriableStatusCodes().clearRetriableGrpcStatuses()),
                traffic("retries.retryOn[1]: is required",
                        t -> t.getRetriesBuilder().setRetryOn(1, TrafficPolicy.RetryOn.RETRY_ON_UNSPECIFIED)),
                traffic("retries.budget.ratio: 1.5 is not within 0..1", t -> t.getRetriesBuilder().getBudgetBuilder().setRatio(1.5)),
                traffic("retries.budget.minRetriesPerSecond: -1 is not within 0..2147483647",
                        t -> t.getRetriesBuilder().getBudgetBuilder().setMinRetriesPerSecond(-1)),
                traffic("retries.budget.ttl: is required", t -> t.getRetriesBuilder().getBudgetBuilder().clearTtl()),
                traffic("circuitBreaker.maxConnections: 0 is not within 1..2147483647",
                        t -> t.getCircuitBreakerBuilder().setMaxConnections(0)),
                traffic("circuitBreaker.maxRequests: 0 is not within 1..2147483647",
                        t -> t.getCircuitBreakerBuilder().setMaxRequests(0)),
                traffic("outlierDetection.consecutive5xx: 0 is not within 1..2147483647",
                        t -> t.getOutlierDetectionBuilder().setConsecutive5Xx(0)),
                traffic("outlierDetection.interval: is required", t -> t.getOutlierDetectionBuilder().clearInterval()),
                traffic("outlierDetection.baseEjectionTime: 'PT0S' is not positive",
                        t -> t.getOutlierDetectionBuilder().setBaseEjectionTime(seconds(0))),
                traffic("outlierDetection.maxEjectionPercent: 101 is not within 0..100",
                        t -> t.getOutlierDetectionBuilder().setMaxEjectionPercent(101)),
                traffic("mirror.percentage: -1 is not within 0..100", t -> t.getMirrorBuilder().setPercentage(-1)),
                traffic("mirror.backend.port: is required", t -> t.getMirrorBuilder().getBackendBuilder().clearPort()));
    }

    @Test
    void decodesProtoDefaults() {
        Resource.Builder resource = ResourceCodec.encode(ModelFixtures.trafficPolicy(), "1").toBuilder();
        resource.getTrafficPolicyBuilder().clearLoadBalancer();
        var policy = ResourceCodec.decode(ResourceType.TRAFFIC_POLICY, resource.build(),
                dev.ambit.api.model.traffic.TrafficPolicy.class);
        assertEquals(dev.ambit.api.model.traffic.LoadBalancerAlgorithm.ROUND_ROBIN, policy.loadBalancer());

        Resource.Builder workload = ResourceCodec.encode(ModelFixtures.workload(), "1").toBuilder();
        workload.getWorkloadBuilder().clearTrustDomain().getTunnelBuilder().clearPort();
        var decoded = ResourceCodec.decode(ResourceType.WORKLOAD, workload.build(),
                dev.ambit.api.model.workload.Workload.class);
        assertEquals(ModelFixtures.workload(), decoded);
    }

    private static Duration seconds(long seconds) {
        return Duration.newBuilder().setSeconds(seconds).build();
    }

    private static AuthorizationPolicy.Source.Builder source(AuthorizationPolicy.Builder policy) {
        return policy.getRulesBuilder(0).getFromBuilder(0);
    }

    private static AuthorizationPolicy.Operation.Builder operation(AuthorizationPolicy.Builder policy) {
        return policy.getRulesBuilder(0).getToBuilder(0);
    }

    private static HttpRoute.Match.Builder match(HttpRoute.Builder route) {
        return route.getRulesBuilder(0).getMatchesBuilder(0);
    }

    private static HttpRoute.Filters.Builder filters(HttpRoute.Builder route) {
        return route.getRulesBuilder(0).getFiltersBuilder();
    }

    private static Arguments workload(String problem, Consumer<Workload.Builder> edit) {
        return failure(ModelFixtures.workload(), "Workload demo/hello-v1", Resource.Builder::getWorkloadBuilder, edit, problem);
    }

    private static Arguments service(String problem, Consumer<Service.Builder> edit) {
        return failure(ModelFixtures.service(), "Service demo/hello", Resource.Builder::getServiceBuilder, edit, problem);
    }

    private static Arguments authorization(String problem, Consumer<AuthorizationPolicy.Builder> edit) {
        return failure(ModelFixtures.authorizationPolicy(), "AuthorizationPolicy demo/hello-viewers",
                Resource.Builder::getAuthorizationPolicyBuilder, edit, problem);
    }

    private static Arguments peer(String problem, Consumer<PeerAuthentication.Builder> edit) {
        return failure(ModelFixtures.peerAuthentication(), "PeerAuthentication demo/hello-strict",
                Resource.Builder::getPeerAuthenticationBuilder, edit, problem);
    }

    private static Arguments jwt(String problem, Consumer<RequestAuthentication.Builder> edit) {
        return failure(ModelFixtures.requestAuthentication(), "RequestAuthentication demo/hello-jwt",
                Resource.Builder::getRequestAuthenticationBuilder, edit, problem);
    }

    private static Arguments route(String problem, Consumer<HttpRoute.Builder> edit) {
        return failure(ModelFixtures.httpRoute(), "HttpRoute demo/hello-split", Resource.Builder::getHttpRouteBuilder,
                edit, problem);
    }

    private static Arguments traffic(String problem, Consumer<TrafficPolicy.Builder> edit) {
        return failure(ModelFixtures.trafficPolicy(), "TrafficPolicy demo/hello", Resource.Builder::getTrafficPolicyBuilder,
                edit, problem);
    }

    private static <B> Arguments failure(ConfigResource fixture, String object, Function<Resource.Builder, B> body,
            Consumer<B> edit, String problem) {
        return Arguments.of(object + ": " + problem, ResourceType.of(fixture), edit(fixture, body, edit));
    }

    private static <B> Resource edit(ConfigResource fixture, Function<Resource.Builder, B> body, Consumer<B> edit) {
        Resource.Builder resource = ResourceCodec.encode(fixture, "1").toBuilder();
        edit.accept(body.apply(resource));
        return resource.build();
    }
}
