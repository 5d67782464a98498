package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeCertificates;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.FailureReason;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the server side of the TLS handshake. On success, with ALPN {@code h2}, it takes the client's identity
 * from its (already verified) certificate and, unless that identity already holds its maximum of connections, turns
 * the connection into HTTP/2 whose streams are served as the {@link StreamsInstaller} says; on any failure it counts
 * the reason and closes.
 */
final class ServerHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerHandshakeHandler.class);

    private final HboneSettings settings;
    private final StreamsInstaller streams;
    private final ConnectionFailures failures;
    private final PeerConnections peers;
    private boolean failed;

    ServerHandshakeHandler(HboneSettings settings, StreamsInstaller streams, ConnectionFailures failures,
            PeerConnections peers) {
        this.settings = settings;
        this.streams = streams;
        this.failures = failures;
        this.peers = peers;
    }

    /** How an authenticated connection's CONNECT streams are served: as channels, or relayed at the frame level. */
    @FunctionalInterface
    interface StreamsInstaller {

        void install(Channel channel, SpiffeId peer, IdleConnectionTimer idle);

        /** Streams as channels, each handed to {@code acceptor} (a waypoint runs HTTP on them). */
        static StreamsInstaller channels(HboneSettings settings, HboneStreamAcceptor acceptor,
                ConnectionFailures failures) {
            return (channel, peer, idle) -> installHttp2(channel, peer, settings, acceptor, idle, failures);
        }

        /** Streams relayed to sockets at the frame level ({@link RelayServerConnection}). */
        static StreamsInstaller relays(HboneSettings settings, HboneRelayAcceptor acceptor,
                ConnectionFailures failures) {
            return (channel, peer, idle) -> RelayServerConnection.install(channel, peer, settings, acceptor, idle,
                    failures);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SniCompletionEvent sni && !sni.isSuccess()) {
            // No usable ClientHello in time, or a server name we hold no certificate for.
            fail(ctx, sni.cause());
            return;
        }
        if (!(evt instanceof SslHandshakeCompletionEvent completion)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (!completion.isSuccess()) {
            fail(ctx, completion.cause());
            return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (!ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
            fail(ctx, new IllegalStateException("client did not negotiate ALPN h2"));
            return;
        }
        SpiffeId peer = peerIdentity(ssl);
        Channel channel = ctx.channel();
        if (!peers.tryOpen(peer)) {
            failed = true;
            failures.record(FailureReason.PEER_FULL);
            log.warn("event=connection_rejected listener=hbone peer={} remote={} reason=peer_full limit={}", peer,
                    channel.remoteAddress(), peers.maxPerPeer());
            ctx.close();
            return;
        }
        channel.closeFuture().addListener(f -> peers.closed(peer));
        IdleConnectionTimer idle = new IdleConnectionTimer(channel, settings.idleTimeout());
        ctx.pipeline().remove(this);
        streams.install(channel, peer, idle);
        idle.start();
        log.debug("event=hbone_connection_accepted peer={} remote={}", peer, channel.remoteAddress());
    }

    /**
     * The HTTP/2 side of an authenticated connection, whose CONNECT streams go to {@code acceptor}. Separate so that
     * the fuzz tests drive exactly this pipeline with frames, without a TLS handshake in front.
     */
    static void installHttp2(Channel channel, SpiffeId peer, HboneSettings settings, HboneStreamAcceptor acceptor,
            IdleConnectionTimer idle, ConnectionFailures failures) {
        Http2Connections.install(channel, true, settings, new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast(new ServerStreamHandler(peer, acceptor, idle, failures));
            }
        }, new ServerConnectionHandler(peer));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (!failed) {
            failed = true;
            var reason = HboneFailures.classify(cause);
            failures.record(reason);
            log.info("event=hbone_handshake_failed remote={} reason={} detail=\"{}\"", ctx.channel().remoteAddress(),
                    reason.label(), HboneFailures.describe(cause));
        }
        ctx.close();
    }

    private static SpiffeId peerIdentity(SslHandler ssl) throws SSLPeerUnverifiedException {
        return SpiffeCertificates.identityOf((X509Certificate) ssl.engine().getSession().getPeerCertificates()[0]);
    }
}
