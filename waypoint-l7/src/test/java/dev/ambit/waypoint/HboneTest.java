package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.inbound.HboneInboundSource;
import dev.ambit.waypoint.inbound.TcpInboundSource;
import dev.ambit.waypoint.testing.H2cClient;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.RawClient;
import dev.ambit.waypoint.testing.RawH2Client;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.upstream.HboneUpstreamConnector;
import dev.ambit.waypoint.upstream.LoopHbonePools;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import dev.ambit.waypoint.upstream.UpstreamTarget;
import dev.ambit.runtime.bridge.ChannelEnds;
import dev.ambit.runtime.bridge.Bridge;
import dev.ambit.runtime.bridge.TrafficObserver;
import dev.ambit.runtime.hbone.HboneKey;
import dev.ambit.runtime.hbone.HbonePool;
import dev.ambit.runtime.hbone.HboneServer;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.hbone.HboneStreamResetException;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.tls.TlsContextFactory;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    private final Transport transport = Transport.best();
    private final HboneSettings settings = HboneSettings.defaults();
    private EventLoopGroup group;
    private TestBackend backend;
    private CertManager certs;
    private LoopHbonePools waypointPools;
    private HbonePool clientPool;
    private Listener backendTunnel;
    private Workload backendWorkload;
    private Waypoint waypoint;
    private HboneInboundSource inbound;

    @BeforeEach
    void startMesh() throws Exception {
        group = transport.newEventLoopGroup(2, "hbone-test");
        TestCa ca = new TestCa();
        backend = TestBackend.http1("backend");
        certs = new CertManager(ca.client(), ca.trustBundle(),
                new TlsContextFactory(ca.trustBundle(), Clock.systemUTC()), Duration.ofHours(1), Clock.systemUTC());
        for (SpiffeId id : List.of(CLIENT, WAYPOINT, BACKEND)) {
            certs.add(id).get(10, TimeUnit.SECONDS);
        }
        waypointPools = new LoopHbonePools(transport, certs, settings);
        clientPool = new HbonePool(transport, certs, settings);
        backendTunnel = HboneServer.bind(transport, group, new InetSocketAddress("127.0.0.1", 0), certs,
                settings, stream -> transport.connect(stream.channel().eventLoop(), stream.target(),
                        Duration.ofSeconds(5)).addListener((Future<Channel> connected) -> {
                            if (connected.isSuccess()) {
                                stream.accept();
                                Bridge.join(stream.channel(), connected.getNow(), TrafficObserver.NONE);
                            } else {
                                stream.reject(io.netty.handler.codec.http.HttpResponseStatus.BAD_GATEWAY);
                            }
                        }), ConnectionFailures.IGNORE);
        backendWorkload = new Workload("backend-0", Mesh.name("backend-0"), BACKEND, "node-2",
                List.of(InetAddress.getLoopbackAddress()), DataplaneMode.AMBIENT,
                Optional.of(backendTunnel.address()), Optional.empty(), Map.of(), "backend", "v1",
                List.of(Mesh.name("backend")));
        MeshService service = new MeshService(Mesh.name("backend"), Mesh.host("backend"),
                List.of(VIP.getAddress()), List.of(new ServicePort("", 80, 80, Optional.empty())),
                List.of(new Endpoint("backend-0", InetAddress.getLoopbackAddress(), Map.of(80, backend.port()))),
                Optional.empty(), Map.of());
        waypoint = new Waypoint(WaypointSettings.defaults(), connector(), new PrometheusRegistry());
        waypoint.update(new WaypointConfig(List.of(service), List.of(backendWorkload), List.of(), List.of(),
                List.of(), List.of(), "ambit-system"));
        inbound = new HboneInboundSource(transport, group, certs, settings, new InetSocketAddress("127.0.0.1", 0));
        waypoint.listen(inbound);
    }

    @AfterEach
    void stopMesh() {
        waypoint.close();
        // GOAWAY with a short deadline: a plain close would wait out the graceful-shutdown default.
        HboneServer.goAway(backendTunnel, Duration.ofMillis(100)).syncUninterruptibly();
        backendTunnel.stopAccepting();
        clientPool.close();
        waypointPools.close();
        certs.close();
        backend.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HboneUpstreamConnector connector() {
        return new HboneUpstreamConnector(waypointPools, WAYPOINT,
                new TcpUpstreamConnector(transport, Duration.ofSeconds(5)));
    }

    @Test
    void requestGoesThroughHboneInAndOut() throws Exception {
        FullHttpResponseText response = get(clientPool, group, inbound.address());
        assertEquals(200, response.status());
        assertEquals("backend", response.body());
        assertEquals(1, backend.requests());
        // No Host names the service: the waypoint found it by the CONNECT target.
        assertEquals("127.0.0.77:80", backend.last().headers().get("host"));
    }

    /**
     * {@code Connection: close} over HBONE: the response is followed by END_STREAM (the client's tunnel relays it as
     * a FIN), never RST_STREAM (relayed as a TCP reset, which throws away response bytes the client has not read).
     * The stream closes once the client ends its side too.
     */
    @Test
    void connectionCloseEndsTheStreamAfterTheResponseWithoutReset() throws Exception {
        Channel stream = clientPool.connect(new HboneKey(CLIENT, inbound.address(), WAYPOINT), VIP, group.next())
                .get(10, TimeUnit.SECONDS);
        StreamEnd end = new StreamEnd();
        stream.eventLoop().submit(() -> {
            stream.pipeline().addLast(end);
            stream.config().setAutoRead(true);
            stream.writeAndFlush(Unpooled.copiedBuffer(
                    "GET / HTTP/1.1\r\nHost: 127.0.0.77\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
        }).sync();

        assertEquals("END_STREAM", end.outcome.get(10, TimeUnit.SECONDS));
        assertTrue(end.received().startsWith("HTTP/1.1 200 OK\r\n"), end.received());
        assertTrue(end.received().endsWith("\r\n\r\nbackend"), end.received());
        ChannelEnds.shutdownOutput(stream);
        // Closed by the client's END_STREAM, well before the waypoint's linger deadline would reset it.
        assertTrue(stream.closeFuture().await(2, TimeUnit.SECONDS), "stream still open");
        assertEquals("END_STREAM", end.outcome.getNow("?"));
        assertFalse(end.reset, "stream was reset");
    }

    /**
     * Requests on connections of different event loops all reach the backend: each loop's HTTP/1.1 upstream pool
     * gets HBONE streams living on that loop (a stream from another loop's connection has its handlers installed
     * later, on that loop, and the first read found none).
     */
    @Test
    void requestsOnEveryLoopReachHboneBackends() {
        TcpInboundSource plain = new TcpInboundSource(transport, group, new InetSocketAddress("127.0.0.1", 0),
                Optional.of(CLIENT), 100);
        waypoint.listen(plain);
        for (int i = 0; i < 4; i++) {
            try (RawClient client = new RawClient(plain.address().getPort())) {
                String response = client.write("GET / HTTP/1.1\r\nHost: " + Mesh.host("backend")
                        + "\r\nConnection: close\r\n\r\n").readAll();
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), "request " + i + ": " + response);
            }
        }
        assertEquals(4, backend.requests());
    }

    /**
     * HTTP/2 with prior knowledge from a pod, as its node tunnel carries it: each TCP connection becomes one CONNECT
     * stream to the waypoint, which must speak HTTP/2 on that stream (regression: it answered GOAWAY right after the
     * request HEADERS).
     */
    @Test
    void priorKnowledgeHttp2ThroughAClientTunnel() throws Exception {
        Listener clientTunnel = Listener.bind("client-tunnel",
                transport.serverBootstrap(group).childOption(ChannelOption.AUTO_READ, false),
                new InetSocketAddress("127.0.0.1", 0), 16, ConnectionFailures.IGNORE,
                pod -> clientPool.connect(new HboneKey(CLIENT, inbound.address(), WAYPOINT), VIP, pod.eventLoop())
                        .addListener((Future<Channel> stream) -> {
                            if (stream.isSuccess()) {
                                Bridge.join(pod, stream.getNow(), TrafficObserver.NONE);
                            } else {
                                pod.close();
                            }
                        }));
        try {
            // As curl sends it: the request on stream 1, in the same write as the preface.
            RawH2Client.Response first = RawH2Client.get(clientTunnel.address().getPort(), "127.0.0.77:80", "/");
            assertEquals("200", first.status());
            assertEquals("backend", first.body());
            try (H2cClient client = new H2cClient(clientTunnel.address().getPort())) {
                for (int i = 0; i < 2; i++) {
                    H2cClient.Response response = client.get("backend", "/h2/" + i);
                    assertEquals(200, response.status(), "request " + i);
                    assertEquals("backend", response.body());
                }
            }
        } finally {
            clientTunnel.close();
        }
        assertEquals(3, backend.requests());
    }

    /**
     * The backend's node tunnel refuses the waypoint's identity (its policy: CONNECT answered 403): the client gets a
     * 403 naming the destination's refusal, not a 503 connect error, and the refusal is not retried.
     */
    @Test
    void aConnectTheDestinationsPolicyRefusesIsAnsweredForbidden() throws Exception {
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
        Listener refusingTunnel = HboneServer.bind(transport, group, new InetSocketAddress("127.0.0.1", 0), certs,
                settings, stream -> {
                    refusals.incrementAndGet();
                    stream.reject(io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN);
                }, ConnectionFailures.IGNORE);
        try {
            // A service of its own (a new cluster, new endpoints) behind the refusing tunnel; the address is never
            // dialed: the CONNECT names it.
            InetAddress guardedIp = InetAddress.getByName("127.0.0.2");
            Workload guarded = new Workload("guarded-0", Mesh.name("guarded-0"), BACKEND, "node-3",
                    List.of(guardedIp), DataplaneMode.AMBIENT, Optional.of(refusingTunnel.address()),
                    Optional.empty(), Map.of(), "guarded", "v1", List.of(Mesh.name("guarded")));
            MeshService service = new MeshService(Mesh.name("guarded"), Mesh.host("guarded"),
                    List.of(InetAddress.getByName("127.0.0.78")), List.of(new ServicePort("", 80, 80, Optional.empty())),
                    List.of(new Endpoint("guarded-0", guardedIp, Map.of(80, 8080))), Optional.empty(), Map.of());
            waypoint.update(new WaypointConfig(List.of(service), List.of(backendWorkload, guarded), List.of(),
                    List.of(), List.of(), List.of(), "ambit-system"));
            TcpInboundSource plain = new TcpInboundSource(transport, group, new InetSocketAddress("127.0.0.1", 0),
                    Optional.of(CLIENT), 100);
            waypoint.listen(plain);
            try (RawClient client = new RawClient(plain.address().getPort())) {
                String response = client.write("GET / HTTP/1.1\r\nHost: " + Mesh.host("guarded")
                        + "\r\nConnection: close\r\n\r\n").readAll();
                assertTrue(response.startsWith("HTTP/1.1 403 Forbidden\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nRBAC: access denied: refused by the destination's policy\n"), response);
            }
            assertEquals(1, refusals.get(), "a policy refusal is not retried");
            assertEquals(0, backend.requests());
        } finally {
            HboneServer.goAway(refusingTunnel, Duration.ofMillis(100)).syncUninterruptibly();
            refusingTunnel.stopAccepting();
        }
    }

    /** The {@code UpstreamConnector} contract the upstream pools rely on: the stream is on the asking loop. */
    @Test
    void hboneStreamsLiveOnTheLoopThatAskedForThem() throws Exception {
        HboneUpstreamConnector connector = connector();
        UpstreamTarget target = new UpstreamTarget(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), backend.port()), Optional.of(backendWorkload));
        EventLoop first = group.next();
        EventLoop second = group.next();
        for (EventLoop loop : List.of(first, second, first)) {
            Channel stream = loop.submit(() -> connector.connect(target, loop)).get(10, TimeUnit.SECONDS)
                    .get(10, TimeUnit.SECONDS);
            assertSame(loop, stream.eventLoop());
            stream.close().sync();
        }
    }

    /**
     * Guard for the Nagle x delayed-ACK stall: every upstream socket the waypoint opens (plain TCP, and the TCP
     * connection under an HBONE stream) sends small writes at once.
     */
    @Test
    void upstreamSocketsHaveNagleOff() throws Exception {
        EventLoop loop = group.next();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), backend.port());
        Channel plain = new TcpUpstreamConnector(transport, Duration.ofSeconds(5))
                .connect(new UpstreamTarget(address, Optional.empty()), loop).get(10, TimeUnit.SECONDS);
        Channel stream = loop.submit(() -> connector().connect(new UpstreamTarget(address,
                Optional.of(backendWorkload)), loop)).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        try {
            assertTrue(plain.config().getOption(ChannelOption.TCP_NODELAY), "plain TCP upstream");
            assertTrue(stream.parent().config().getOption(ChannelOption.TCP_NODELAY), "HBONE connection");
        } finally {
            plain.close().sync();
            stream.close().sync();
        }
    }

    /** The client end of a raw CONNECT stream: the bytes received, and how the waypoint ended the stream. */
    private static final class StreamEnd extends ChannelInboundHandlerAdapter {

        final CompletableFuture<String> outcome = new CompletableFuture<>();
        private final StringBuilder received = new StringBuilder();
        volatile boolean reset;

        synchronized String received() {
            return received.toString();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            synchronized (this) {
                received.append(bytes.toString(StandardCharsets.US_ASCII));
            }
            bytes.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                outcome.complete("END_STREAM");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof HboneStreamResetException) {
                reset = true;
            }
            outcome.complete(cause.toString());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            outcome.complete("closed without END_STREAM");
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
