package dev.ambit.waypoint;

import static dev.ambit.waypoint.testing.Mesh.backend;
import static dev.ambit.waypoint.testing.Mesh.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.HeaderModifier;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RequestRedirect;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.UrlRewrite;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.waypoint.testing.H2cClient;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Routing through a real waypoint to real HTTP/1.1 and h2c backends. */
@ExtendWith(NoLeaks.class)
class RoutingTest {

    static TestBackend v1;
    static TestBackend v2;
    static TestBackend grpcish;
    static TestBackend shadow;
    static WaypointHarness waypoint;
    static Http1Client client;

    @BeforeAll
    static void start() {
        v1 = TestBackend.http1("v1");
        v2 = TestBackend.http1("v2");
        grpcish = TestBackend.h2c("h2");
        shadow = TestBackend.http1("shadow");
        waypoint = new WaypointHarness(WaypointSettings.defaults().withRandom(new Random(42)));
        waypoint.update(new Mesh()
                .service("reviews", v1.port(), v2.port())
                .service("reviews-v1", v1.port())
                .service("reviews-v2", v2.port())
                .service("h2only", Optional.of("http2"), grpcish.port())
                .service("mirror", shadow.port())
                .service("split", v1.port())
                .route("split", rule(List.of(), backend("reviews-v1", 90), backend("reviews-v2", 10)))
                .route("reviews",
                        rule(List.of(new RouteMatch(Optional.empty(),
                                List.of(new HeaderMatch("x-canary", MatchType.EXACT, "yes")), List.of(),
                                Optional.empty())), backend("reviews-v2", 1)),
                        rule(List.of(new RouteMatch(Optional.of(new PathMatch(MatchType.EXACT, "/exact")), List.of(),
                                List.of(), Optional.empty())), backend("reviews-v2", 1)),
                        rule(List.of(new RouteMatch(Optional.of(new PathMatch(MatchType.REGEX, "/item/[0-9]+")),
                                List.of(), List.of(), Optional.of("DELETE"))), backend("reviews-v2", 1)),
                        rule(List.of(new RouteMatch(Optional.empty(), List.of(),
                                List.of(new HeaderMatch("version", MatchType.EXACT, "2")), Optional.empty())),
                                backend("reviews-v2", 1)),
                        rule(List.of(new RouteMatch(Optional.of(PathMatch.prefix("/old")), List.of(), List.of(),
                                Optional.empty())), new RouteFilters(Optional.empty(), Optional.empty(),
                                Optional.of(new RequestRedirect(Optional.empty(), Optional.of("new.example"),
                                        Optional.of(new PathReplacement(PathReplacement.Kind.PREFIX, "/new")),
                                        OptionalInt.empty(), 301)), Optional.empty(), List.of())),
                        rule(List.of(new RouteMatch(Optional.of(PathMatch.prefix("/api")), List.of(), List.of(),
                                Optional.empty())), new RouteFilters(
                                Optional.of(new HeaderModifier(Map.of("x-set", "1"), Map.of(), List.of("x-drop"))),
                                Optional.of(new HeaderModifier(Map.of("x-resp", "yes"), Map.of(), List.of())),
                                Optional.empty(),
                                Optional.of(new UrlRewrite(Optional.empty(),
                                        Optional.of(new PathReplacement(PathReplacement.Kind.PREFIX, "/v2")))),
                                List.of(new Mirror(ServiceRef.of(Mesh.name("mirror"), 80), 100))),
                                backend("reviews-v1", 1)),
                        rule(List.of(), backend("reviews-v1", 1)))
                .config());
        client = new Http1Client(waypoint.port());
    }

    @AfterAll
    static void stop() {
        waypoint.close();
        List.of(v1, v2, grpcish, shadow).forEach(TestBackend::close);
    }

    @Test
    void weightedSplitIsNinetyTenWithinFivePercentOverTwoThousandRequests() {
        int v1Hits = 0;
        for (int i = 0; i < 2000; i++) {
            HttpResponse<String> response = client.get("split", "/");
            assertEquals(200, response.statusCode());
            if (response.body().equals("v1")) {
                v1Hits++;
            }
        }
        double share = v1Hits / 2000.0;
        assertTrue(Math.abs(share - 0.9) <= 0.05, "v1 share " + share);
    }

    @Test
    void headerMatchRoutesTheCanaryAndTheRestGoesToTheDefault() {
        assertEquals("v2", client.send("reviews", "GET", "/", Map.of("x-canary", "yes"), null).body());
        assertEquals("v1", client.send("reviews", "GET", "/", Map.of("x-canary", "no"), null).body());
    }

    @Test
    void pathQueryAndMethodMatches() {
        assertEquals("v2", client.get("reviews", "/exact").body());
        assertEquals("v1", client.get("reviews", "/exact/more").body());
        assertEquals("v2", client.send("reviews", "DELETE", "/item/42", Map.of(), null).body());
        assertEquals("v1", client.send("reviews", "GET", "/item/42", Map.of(), null).body());
        assertEquals("v2", client.get("reviews", "/q?version=2").body());
    }

    @Test
    void redirectAnswersWithLocation() {
        HttpResponse<String> response = client.get("reviews", "/old/page?a=1");
        assertEquals(301, response.statusCode());
        assertEquals("http://new.example/new/page?a=1", response.headers().firstValue("location").orElseThrow());
    }

    @Test
    void rewriteHeaderModifiersAndMirror() throws Exception {
        int shadowsBefore = shadow.requests();
        HttpResponse<String> response = client.send("reviews", "POST", "/api/things?x=1",
                Map.of("x-drop", "secret"), "payload");
        assertEquals(200, response.statusCode());
        assertEquals("yes", response.headers().firstValue("x-resp").orElseThrow());
        TestBackend.Seen seen = v1.last();
        assertEquals("/v2/things?x=1", seen.uri());
        assertEquals("1", seen.headers().get("x-set"));
        assertNull(seen.headers().get("x-drop"));
        assertEquals("payload", seen.body());
        shadow.awaitRequests(shadowsBefore + 1);
        assertEquals(shadowsBefore + 1, shadow.requests());
        assertEquals(Mesh.host("reviews") + "-shadow", shadow.last().headers().get("host"));
        assertEquals("payload", shadow.last().body());
    }

    @Test
    void http2ClientsReachHttp1BackendsAndHttp1ClientsReachHttp2Backends() throws Exception {
        try (H2cClient h2 = new H2cClient(waypoint.port())) {
            H2cClient.Response viaH2 = h2.get("reviews", "/");
            assertEquals(200, viaH2.status());
            assertEquals("v1", viaH2.body());
            assertEquals("v2", h2.post("reviews", "/exact", "body").body());
            assertEquals("h2", h2.get("h2only", "/").body());
        }
        HttpResponse<String> toH2 = client.send("h2only", "POST", "/up", Map.of(), "over h2");
        assertEquals(200, toH2.statusCode());
        assertEquals("h2", toH2.body());
        assertEquals("over h2", grpcish.last().body());
    }

    @Test
    void unknownHostIs404() {
        HttpResponse<String> response = client.get("nothing-here", "/");
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("no service"));
    }
}
