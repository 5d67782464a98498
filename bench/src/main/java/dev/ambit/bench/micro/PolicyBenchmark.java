package dev.ambit.bench.micro;

import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.waypoint.authz.AuthorizationEngine;
import dev.ambit.waypoint.authz.AuthzDecision;
import dev.ambit.waypoint.authz.AuthzRequest;
import dev.ambit.ztunnel.authz.ConnectionAttributes;
import dev.ambit.ztunnel.authz.Decision;
import dev.ambit.ztunnel.authz.L4Authorizer;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Authorization of one caller against {@link SyntheticMesh#policies()}: per request at the waypoint
 * ({@link AuthorizationEngine}) and per connection at the tunnel ({@link L4Authorizer}). Both walk every DENY and
 * every ALLOW up to the last, the worst case for a caller the policies allow (L7) or refuse for want of a request (L4).
 */
@State(Scope.Benchmark)
public class PolicyBenchmark extends MicroBenchmark {

    private List<AuthorizationPolicy> policies;
    private AuthorizationEngine engine;
    private AuthzRequest request;
    private ConnectionAttributes connection;

    @Setup
    public void compile() {
        policies = SyntheticMesh.policies();
        engine = AuthorizationEngine.of(policies);
        request = new AuthzRequest(Optional.of(SyntheticMesh.identity(1)), "10.244.1.1", "10.244.0.1",
                List.of(SyntheticMesh.SERVICE_PORT, SyntheticMesh.TARGET_PORT), "GET",
                "svc-0.shop.svc.cluster.local", "/api/v4/orders/42",
                new DefaultHttpHeaders().add("x-tenant", "acme").add("accept", "application/json"), Map.of());
        connection = new ConnectionAttributes(Optional.of(SyntheticMesh.identity(1)),
                new InetSocketAddress(SyntheticMesh.endpointAddress(0, 0), SyntheticMesh.TARGET_PORT));
    }

    @Benchmark
    public AuthzDecision waypointRequest() {
        return engine.decide(request);
    }

    @Benchmark
    public Decision tunnelConnection() {
        return L4Authorizer.authorize(policies, connection);
    }
}
