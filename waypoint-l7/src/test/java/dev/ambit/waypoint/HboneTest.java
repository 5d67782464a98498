package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.ca.MeshCa;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.inbound.HboneInboundSource;
import dev.ambit.waypoint.support.Mesh;
import dev.ambit.waypoint.support.NoLeaks;
import dev.ambit.waypoint.support.TestBackend;
import dev.ambit.waypoint.upstream.HboneUpstreamConnector;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import dev.ambit.ztunnel.bridge.Bridge;
import dev.ambit.ztunnel.bridge.TrafficObserver;
import dev.ambit.ztunnel.hbone.HboneKey;
import dev.ambit.ztunnel.hbone.HbonePool;
import dev.ambit.ztunnel.hbone.HboneServer;
import dev.ambit.ztunnel.hbone.HboneSettings;
import dev.ambit.ztunnel.metrics.ConnectionFailures;
import dev.ambit.ztunnel.tls.CertManager;
import dev.ambit.ztunnel.tls.LocalCertificateAuthorityClient;
import dev.ambit.ztunnel.tls.TlsContextFactory;
import dev.ambit.ztunnel.transport.Listener;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Through real HBONE both ways, with the node tunnel's server and pool: client --HBONE--> waypoint --HBONE--> the
 * backend's node tunnel --TCP--> backend. The waypoint sees the client's SPIFFE identity and routes by the CONNECT
 * target (the service VIP).
 */
@ExtendWith(NoLeaks.class)
class HboneTest {

    static final SpiffeId CLIENT = Mesh.identity("client");
    static final SpiffeId WAYPOINT = Mesh.identity("waypoint");
    static final SpiffeId BACKEND = Mesh.identity("backend");
    /** A loopback address as the service VIP: it is only a key in the CONNECT authority, never dialed. */
    static final InetSocketAddress VIP = new InetSocketAddress("127.0.0.77", 80);

    @Test
    void requestGoesThroughHboneInAndOut() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(2, "hbone-test");
        MeshCa ca = MeshCa.selfSigned("cluster.local");
        HboneSettings settings = HboneSettings.defaults();
        try (TestBackend backend = TestBackend.http1("backend");
             CertManager certs = new CertManager(new LocalCertificateAuthorityClient(ca), ca.trustBundle(),
                     new TlsContextFactory(ca.trustBundle(), Clock.systemUTC()), Duration.ofHours(1),
                     Clock.systemUTC());
             HbonePool waypointPool = new HbonePool(transport, certs, settings);
             HbonePool clientPool = new HbonePool(transport, certs, settings)) {
            for (SpiffeId id : List.of(CLIENT, WAYPOINT, BACKEND)) {
                certs.add(id).get(10, TimeUnit.SECONDS);
            }
            Listener backendTunnel = HboneServer.bind(transport, group, new InetSocketAddress("127.0.0.1", 0), certs,
                    settings, stream -> transport.connect(stream.channel().eventLoop(), stream.target(),
                            Duration.ofSeconds(5)).addListener((Future<Channel> connected) -> {
                                if (connected.isSuccess()) {
                                    stream.accept();
                                    Bridge.join(stream.channel(), connected.getNow(), TrafficObserver.NONE);
                                } else {
                                    stream.reject(io.netty.handler.codec.http.HttpResponseStatus.BAD_GATEWAY);
                                }
                            }), ConnectionFailures.IGNORE);
            Workload backendWorkload = new Workload("backend-0", Mesh.name("backend-0"), BACKEND, "node-2",
                    List.of(InetAddress.getLoopbackAddress()), DataplaneMode.AMBIENT,
                    Optional.of(backendTunnel.address()), Optional.empty(), Map.of(), "backend", "v1",
                    List.of(Mesh.name("backend")));
            MeshService service = new MeshService(Mesh.name("backend"), Mesh.host("backend"),
                    List.of(VIP.getAddress()), List.of(new ServicePort("", 80, 80, Optional.empty())),
                    List.of(new Endpoint("backend-0", InetAddress.getLoopbackAddress(), Map.of(80, backend.port()))),
                    Optional.empty(), Map.of());
            Waypoint waypoint = new Waypoint(WaypointSettings.defaults(), new HboneUpstreamConnector(waypointPool,
                    WAYPOINT, new TcpUpstreamConnector(transport, Duration.ofSeconds(5))), new PrometheusRegistry());
            waypoint.update(new WaypointConfig(List.of(service), List.of(backendWorkload), List.of(), List.of(),
                    List.of(), List.of(), "ambit-system"));
            HboneInboundSource inbound = new HboneInboundSource(transport, group, certs, settings,
                    new InetSocketAddress("127.0.0.1", 0));
            waypoint.listen(inbound);
            try {
                FullHttpResponseText response = get(clientPool, group, inbound.address());
                assertEquals(200, response.status());
                assertEquals("backend", response.body());
                assertEquals(1, backend.requests());
                // No Host names the service: the waypoint found it by the CONNECT target.
                assertEquals("127.0.0.77:80", backend.last().headers().get("host"));
            } finally {
                waypoint.close();
                // GOAWAY with a short deadline: a plain close would wait out the graceful-shutdown default.
                HboneServer.goAway(backendTunnel, Duration.ofMillis(100)).syncUninterruptibly();
                backendTunnel.stopAccepting();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    record FullHttpResponseText(int status, String body) {
    }

    private static FullHttpResponseText get(HbonePool pool, EventLoopGroup group, InetSocketAddress waypoint)
            throws Exception {
        Channel stream = pool.connect(new HboneKey(CLIENT, waypoint, WAYPOINT), VIP, group.next())
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<FullHttpResponseText> result = new CompletableFuture<>();
        stream.eventLoop().submit(() -> {
            stream.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                    new SimpleChannelInboundHandler<FullHttpResponse>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                            result.complete(new FullHttpResponseText(response.status().code(),
                                    response.content().toString(StandardCharsets.UTF_8)));
                            ctx.close();
                        }
                    });
            stream.config().setAutoRead(true);
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, "127.0.0.77:80").setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            stream.writeAndFlush(request);
        }).sync();
        return result.get(10, TimeUnit.SECONDS);
    }
}
