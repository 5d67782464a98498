package dev.ambit.api.model.route;

import static dev.ambit.api.model.ConfigAssertions.assertInvalid;
import static dev.ambit.api.model.ModelFixtures.demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.ServiceRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpRouteTest {

    private static final BackendRef HELLO_V1 = new BackendRef(ServiceRef.of(demo("hello-v1"), 80), 1);

    @Test
    void copiesWhatItIsGiven() {
        List<RouteRule> rules = new ArrayList<>(ModelFixtures.httpRoute().rules());
        List<ServiceRef> parents = new ArrayList<>(List.of(ServiceRef.of(demo("hello"))));
        Map<String, String> set = new HashMap<>(Map.of("x-a", "1"));
        HeaderModifier modifier = new HeaderModifier(set, null, null);
        HttpRoute route = new HttpRoute(demo("r"), parents, rules);

        rules.clear();
        parents.add(ServiceRef.of(demo("other")));
        set.put("x-b", "2");

        assertEquals(ModelFixtures.httpRoute().rules(), route.rules());
        assertEquals(List.of(ServiceRef.of(demo("hello"))), route.parentRefs());
        assertEquals(Map.of("x-a", "1"), modifier.set());
        assertThrows(UnsupportedOperationException.class, () -> route.rules().add(null));
    }

    @Test
    void rulesCheckTheirOwnBackendsAndFilters() {
        assertInvalid("RouteRule: backendRefs: weights sum to 0", () -> new RouteRule(List.of(), RouteFilters.NONE,
                List.of(new BackendRef(HELLO_V1.service(), 0)), RouteTimeouts.NONE));
        assertInvalid("RouteRule: filters.rewrite.path: PREFIX replacement needs every match to have a PREFIX path match",
                () -> new RouteRule(List.of(), new RouteFilters(null, null, null,
                        Optional.of(new UrlRewrite(null, Optional.of(new PathReplacement(PathReplacement.Kind.PREFIX, "/v2")))),
                        null), List.of(HELLO_V1), RouteTimeouts.NONE));
        assertInvalid("RouteRule: filters: is required", () -> new RouteRule(null, null, null, null));
    }

    @Test
    void allowsAZeroWeightBesideOthers() {
        new RouteRule(List.of(), RouteFilters.NONE, List.of(HELLO_V1, new BackendRef(HELLO_V1.service(), 0)),
                RouteTimeouts.NONE);
    }

    @Test
    void disabledRequestTimeoutDoesNotBoundTheBackendTimeout() {
        new RouteTimeouts(Optional.of(Duration.ZERO), Optional.of(Duration.ofSeconds(30)));
    }

    @Test
    void nestedRecordsNameThemselves() {
        assertInvalid("HeaderMatch: value: '*' is not a valid regex: Dangling meta character '*'",
                () -> new HeaderMatch("x-a", MatchType.REGEX, "*"));
        assertInvalid("RequestRedirect: hostname: 'Example.com' is not a DNS subdomain (lower-case letters, digits, '-' and "
                        + "'.', at most 253 characters)",
                () -> new RequestRedirect(null, Optional.of("Example.com"), null, null, 302));
    }

    @Test
    void aRouteNeedsAParentOfEitherKindAndCheckedHostnames() {
        RouteRule any = new RouteRule(List.of(), RouteFilters.NONE, List.of(HELLO_V1), RouteTimeouts.NONE);
        assertInvalid("HttpRoute demo/r: parentRefs: must not be empty",
                () -> new HttpRoute(demo("r"), List.of(), List.of(), List.of(), List.of(any)));
        HttpRoute ingress = new HttpRoute(demo("r"), List.of(), List.of(GatewayParentRef.of(demo("edge"))),
                List.of("*.example.com"), List.of(any));
        assertEquals(List.of("*.example.com"), ingress.hostnames());
        assertInvalid("HttpRoute demo/r: hostnames[0]: 'Example.com' is not a DNS subdomain (lower-case letters, digits,"
                        + " '-' and '.', at most 253 characters)",
                () -> new HttpRoute(demo("r"), List.of(), List.of(GatewayParentRef.of(demo("edge"))),
                        List.of("Example.com"), List.of(any)));
        assertInvalid("GatewayParentRef: port: 0 is not within 1..65535", () -> new GatewayParentRef(demo("edge"),
                Optional.empty(), java.util.OptionalInt.of(0)));
    }
}
