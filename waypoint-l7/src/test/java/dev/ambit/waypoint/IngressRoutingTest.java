package dev.ambit.waypoint;

import static dev.ambit.waypoint.testing.Mesh.backend;
import static dev.ambit.waypoint.testing.Mesh.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.waypoint.inbound.GatewayListenerSource;
import dev.ambit.waypoint.route.GatewayListener;
import dev.ambit.waypoint.route.GatewayPort;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The waypoint in its ingress role: plain HTTP listeners of an ingress Gateway, routed by the routes attached to the
 * Gateway (the same route engine as for services), by listener and host.
 */
@ExtendWith(NoLeaks.class)
class IngressRoutingTest {

    private static final NamespacedName GATEWAY = NamespacedName.of("edge", "public");

    static TestBackend v1;
    static TestBackend v2;
    static TestBackend v3;
    static Transport transport = Transport.best();
    static EventLoopGroup group;
    static Waypoint ingress;
    static Http1Client http;
    static Http1Client admin;

    @BeforeAll
    static void start() {
        v1 = TestBackend.http1("v1");
        v2 = TestBackend.http1("v2");
        v3 = TestBackend.http1("v3");
        group = transport.newEventLoopGroup(2, "test-ingress");
        WaypointSettings settings = WaypointSettings.defaults();
        ingress = new Waypoint(settings, new TcpUpstreamConnector(transport, settings.upstream().connectTimeout()),
                new PrometheusRegistry());
        GatewayParentRef anyListener = GatewayParentRef.of(GATEWAY);
        GatewayParentRef adminListener = new GatewayParentRef(GATEWAY, Optional.of("admin"), OptionalInt.empty());
        ingress.update(new Mesh()
                .service("shop-v1", v1.port())
                .service("shop-v2", v2.port())
                .service("shop-v3", v3.port())
                .ingressRoute(anyListener, List.of("shop.example.com"), rule(List.of(), backend("shop-v1", 1)))
                .ingressRoute(anyListener, List.of("*.example.com"),
                        rule(List.of(new RouteMatch(Optional.of(PathMatch.prefix("/beta")), List.of(), List.of(),
                                Optional.empty())), backend("shop-v3", 1)),
                        rule(List.of(), backend("shop-v2", 1)))
                .ingressRoute(adminListener, List.of("admin.example.com"), rule(List.of(), backend("shop-v3", 1)))
                .config());
        GatewayListenerSource httpListener = new GatewayListenerSource(transport, group,
                new InetSocketAddress("127.0.0.1", 0), new GatewayPort(GATEWAY, 80,
                        List.of(new GatewayListener(GATEWAY, "http", 80, Optional.empty()))), 1000);
        GatewayListenerSource adminListenerSource = new GatewayListenerSource(transport, group,
                new InetSocketAddress("127.0.0.1", 0),
                new GatewayPort(GATEWAY, 8080, List.of(
                        new GatewayListener(GATEWAY, "admin", 8080, Optional.of("admin.example.com")))), 1000);
        ingress.listen(httpListener);
        ingress.listen(adminListenerSource);
        http = new Http1Client(httpListener.address().getPort());
        admin = new Http1Client(adminListenerSource.address().getPort());
    }

    @AfterAll
    static void stop() {
        ingress.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        List.of(v1, v2, v3).forEach(TestBackend::close);
    }

    private static HttpResponse<String> get(Http1Client client, String host, String path) {
        return client.sendToHost(host, "GET", path, Map.of(), null);
    }

    @Test
    void theRouteNamingTheHostMostSpecificallyWins() {
        assertEquals("v1", get(http, "shop.example.com", "/beta/cart").body(),
                "the exact hostname's route beats *.example.com's, though its path match is longer");
        assertEquals("v1", get(http, "shop.example.com:80", "/anything").body(), "the port is not part of the host");
        assertEquals("v2", get(http, "www.example.com", "/").body(), "only the wildcard route names www");
        assertEquals("v3", get(http, "www.example.com", "/beta/cart").body(), "then match precedence within it");
    }

    @Test
    void aHostNoRouteNamesIsNotFound() {
        HttpResponse<String> response = get(http, "example.org", "/");
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("no route matched"), response.body());
        assertEquals(404, get(http, "example.com", "/").statusCode(), "*.example.com needs one more label");
    }

    @Test
    void listenersSharingAPortEachServeTheirOwnRoutes() {
        // On one socket: "shop" for shop.example.com and "admin" for *.example.com.
        GatewayListenerSource shared = new GatewayListenerSource(transport, group,
                new InetSocketAddress("127.0.0.1", 0), new GatewayPort(GATEWAY, 443, List.of(
                        new GatewayListener(GATEWAY, "shop", 443, Optional.of("shop.example.com")),
                        new GatewayListener(GATEWAY, "admin", 443, Optional.of("*.example.com")))), 1000);
        ingress.listen(shared);
        Http1Client client = new Http1Client(shared.address().getPort());
        assertEquals("v3", get(client, "admin.example.com", "/").body(), "the admin listener serves the admin route");
        assertEquals("v1", get(client, "shop.example.com", "/").body());
        assertEquals(404, get(client, "example.org", "/").statusCode(), "a host for neither listener");
    }

    @Test
    void aRouteForOneListenerIsServedOnlyThereAndAListenerTakesOnlyItsHostname() {
        assertEquals("v3", get(admin, "admin.example.com", "/users").body());
        assertEquals("v2", get(http, "admin.example.com", "/users").body(),
                "on http the admin route is not attached: *.example.com's is");
        assertEquals(404, get(admin, "shop.example.com", "/").statusCode(),
                "the admin listener takes admin.example.com only");
    }
}
