package dev.ambit.runtime.testing;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.hbone.HboneKey;
import dev.ambit.runtime.hbone.HbonePool;
import dev.ambit.runtime.hbone.HboneServer;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.hbone.HboneStream;
import dev.ambit.runtime.hbone.HboneStreamAcceptor;
import dev.ambit.runtime.tls.TlsContextFactory;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.tls.WorkloadCertificate;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HBONE server whose acceptor echoes each stream, and clients to it, without any L4 tunnel logic: the pieces a
 * waypoint reuses, tested on their own.
 */
public final class HboneFixture implements AutoCloseable {

    public static final HboneSettings SETTINGS = HboneSettings.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30));
    public static final InetSocketAddress TARGET = new InetSocketAddress(Loopback.address(9), 80);

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.newEventLoopGroup(2, "hbone-test");
    /** Clients run apart from the server, so that a stalled server ({@link #stall}) does not stall them. */
    private final EventLoopGroup clientGroup = transport.newEventLoopGroup(1, "hbone-test-client");
    private final HboneSettings settings;
    private final TlsContextFactory factory;
    private final CountingFailures serverMetrics = new CountingFailures();
    private final Listener server;
    private final List<HbonePool> pools = new ArrayList<>();

    /** A server that presents {@code certificate} whatever identity a client asks for. */
    public HboneFixture(TestCa ca, WorkloadCertificate certificate) {
        this(ca, certificate, SETTINGS, HboneFixture::echo);
    }

    /** The same with {@code acceptor} deciding what becomes of each stream. */
    public HboneFixture(TestCa ca, WorkloadCertificate certificate, HboneStreamAcceptor acceptor) {
        this(ca, certificate, SETTINGS, acceptor);
    }

    /** The same, with {@code settings} for the server and its clients alike. */
    public HboneFixture(TestCa ca, WorkloadCertificate certificate, HboneSettings settings) {
        this(ca, certificate, settings, HboneFixture::echo);
    }

    private HboneFixture(TestCa ca, WorkloadCertificate certificate, HboneSettings settings,
            HboneStreamAcceptor acceptor) {
        this.settings = settings;
        this.factory = new TlsContextFactory(ca.trustBundle(), Clock.systemUTC());
        this.server = HboneServer.bind(transport, group, new InetSocketAddress(Loopback.address(5), 0),
                new StaticTlsContexts(factory, certificate), settings, acceptor, serverMetrics);
    }

    /** Client contexts presenting {@code certificate}. */
    public TlsContextSource client(WorkloadCertificate certificate) {
        return new StaticTlsContexts(factory, certificate);
    }

    /** Opens a stream from {@code client} contexts as {@code source}, expecting the server to be {@code expected}. */
    public Future<Http2StreamChannel> connect(TlsContextSource client, SpiffeId source, SpiffeId expected) {
        HbonePool pool = new HbonePool(transport, client, settings);
        pools.add(pool);
        Future<Http2StreamChannel> stream = pool.connect(new HboneKey(source, server.address(), expected), TARGET,
                clientGroup.next());
        stream.awaitUninterruptibly(10, TimeUnit.SECONDS);
        pool.close();
        return stream;
    }

    /**
     * Holds the server's event loops until the returned handle is closed: a peer whose connections stay open but that
     * answers nothing, as a node that vanished looks until TCP gives up.
     */
    public AutoCloseable stall() {
        CountDownLatch release = new CountDownLatch(1);
        group.forEach(loop -> loop.execute(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return release::countDown;
    }

    public TlsContextFactory factory() {
        return factory;
    }

    public CountingFailures serverMetrics() {
        return serverMetrics;
    }

    /** HBONE connections the server holds open. */
    public int serverConnections() {
        return server.connectionCount();
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        pools.forEach(pool -> pool.closeConnections().awaitUninterruptibly(2, TimeUnit.SECONDS));
        server.close();
        group.shutdownGracefully(50, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        clientGroup.shutdownGracefully(50, 2000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Accepts the stream and sends back whatever it receives. */
    public static void echo(HboneStream stream) {
        stream.accept();
        stream.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush(msg);
                ctx.read();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // A client that resets its stream ends the echo; nothing to report.
                ctx.close();
            }
        });
        stream.channel().read();
    }
}
