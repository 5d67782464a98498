package dev.ambit.waypoint.inbound;

import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.waypoint.route.GatewayPort;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An HTTP or HTTPS port of an ingress Gateway: clients from outside the mesh, no peer identity, each request routed
 * by the Gateway's routes for the port's listener of its host. HTTPS terminates TLS 1.3 with the certificate the
 * client's SNI name picks. At most {@code maxConnections} are open at once; beyond that new ones are
 * reset and counted as {@code LISTENER_FULL}.
 */
public final class GatewayListenerSource extends ListenerSource {

    /**
     * How long a client has from connecting to the end of its TLS handshake, ClientHello included: one that sends
     * nothing must not hold a connection slot for as long as it likes. Netty 4.2's SNI handler has the same default;
     * it is set here so that the bound is ours, and {@code IngressTlsTest} checks it.
     */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final GatewayPort port;
    private final int maxConnections;
    private final Optional<ListenerCertificates> tls;

    /** A plain HTTP port. */
    public GatewayListenerSource(Transport transport, EventLoopGroup group, InetSocketAddress address,
            GatewayPort port, int maxConnections) {
        this(transport, group, address, port, maxConnections, Optional.empty());
    }

    /** @param tls for an HTTPS port: the listeners' certificates, picked by SNI */
    public GatewayListenerSource(Transport transport, EventLoopGroup group, InetSocketAddress address,
            GatewayPort port, int maxConnections, Optional<ListenerCertificates> tls) {
        super(transport, group, address);
        this.port = port;
        this.maxConnections = maxConnections;
        this.tls = tls;
    }

    @Override
    protected Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            Consumer<InboundConnection> sink, ConnectionFailures failures) {
        return Listener.bind("ingress-" + port.port(), transport.serverBootstrap(group), address, maxConnections,
                failures, channel -> {
                    InboundConnection connection = new InboundConnection(channel, Optional.empty(), Optional.empty(),
                            Optional.of(port));
                    if (tls.isEmpty()) {
                        sink.accept(connection);
                        return;
                    }
                    // Reading freely until the handshake is done (the SNI handler needs the whole ClientHello, then the
                    // SslHandler its flights), then handed over with autoRead off as every inbound connection is; a
                    // client that never finishes costs no HTTP state, and HANDSHAKE_TIMEOUT closes it.
                    channel.config().setAutoRead(true);
                    channel.pipeline().addLast(new SniHandler(tls.get(), HANDSHAKE_TIMEOUT.toMillis()),
                            new HandOverAfterHandshake(connection, sink, failures));
                });
    }

    /** Hands the connection over once its TLS handshake succeeded; closes it when the handshake failed. */
    private static final class HandOverAfterHandshake extends ChannelInboundHandlerAdapter {

        private final InboundConnection connection;
        private final Consumer<InboundConnection> sink;
        private final ConnectionFailures failures;

        HandOverAfterHandshake(InboundConnection connection, Consumer<InboundConnection> sink,
                ConnectionFailures failures) {
            this.connection = connection;
            this.sink = sink;
            this.failures = failures;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    ctx.pipeline().remove(this);
                    ctx.channel().config().setAutoRead(false);
                    sink.accept(connection);
                } else {
                    // Stays in place to take the exception the refused handshake fires next.
                    failures.record(FailureReason.TLS_HANDSHAKE);
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Not TLS, or a handshake the SslHandler refused: the completion event follows.
            ctx.close();
        }
    }
}
