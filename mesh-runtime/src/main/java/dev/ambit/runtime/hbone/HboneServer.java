package dev.ambit.runtime.hbone;

import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The HBONE listener: mutual TLS 1.3 with ALPN {@code h2}, then HTTP/2 whose CONNECT streams are handed to an
 * {@link HboneStreamAcceptor} as channels (a waypoint, which runs HTTP on them) or to an {@link HboneRelayAcceptor}
 * as {@link RelayedStream}s (the node tunnel, which only relays bytes). Knows nothing of pods or policy.
 */
public final class HboneServer {

    private HboneServer() {
    }

    /**
     * Listens on {@code address}. Closing the returned listener's connections sends GOAWAY on each; each closes once
     * its streams are done or after the graceful-shutdown timeout ({@link #goAway} shortens it).
     */
    public static Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            TlsContextSource contexts, HboneSettings settings, HboneStreamAcceptor acceptor,
            ConnectionFailures failures) {
        return bind(transport, group, address, contexts, settings,
                ServerHandshakeHandler.StreamsInstaller.channels(settings, acceptor, failures), failures);
    }

    /**
     * Listens on {@code address} for streams that are only relayed to sockets (the node tunnel's inbound): each is a
     * {@link RelayedStream}, served at the frame level without a channel per stream. Closing behaves as for
     * {@link #bind(Transport, EventLoopGroup, InetSocketAddress, TlsContextSource, HboneSettings,
     * HboneStreamAcceptor, ConnectionFailures) bind}.
     */
    public static Listener bindRelay(Transport transport, EventLoopGroup group, InetSocketAddress address,
            TlsContextSource contexts, HboneSettings settings, HboneRelayAcceptor acceptor,
            ConnectionFailures failures) {
        return bind(transport, group, address, contexts, settings,
                ServerHandshakeHandler.StreamsInstaller.relays(settings, acceptor, failures), failures);
    }

    private static Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            TlsContextSource contexts, HboneSettings settings, ServerHandshakeHandler.StreamsInstaller streams,
            ConnectionFailures failures) {
        PeerConnections peers = new PeerConnections(settings.maxConnectionsPerPeer());
        return Listener.bind("hbone", transport.serverBootstrap(group)
                        // HTTP/2 flow control bounds what each stream buffers: the connection itself always reads.
                        .childOption(ChannelOption.AUTO_READ, true)
                        // HTTP/2 has no half-closed connection: a client's FIN ends it and its streams.
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, false),
                address, settings.maxConnections(), failures,
                channel -> channel.pipeline().addLast(new IdentitySniHandler(contexts, settings.handshakeTimeout()),
                        new ServerHandshakeHandler(settings, streams, failures, peers)));
    }

    /**
     * Sends GOAWAY on every connection of {@code listener}: streams in flight go on, new ones go elsewhere, and each
     * connection closes when its streams are done or at {@code deadline}, whichever comes first.
     */
    public static ChannelGroupFuture goAway(Listener listener, Duration deadline) {
        for (Channel connection : listener.connections()) {
            connection.eventLoop().execute(() -> {
                Http2ConnectionHandler http2 = connection.pipeline().get(Http2ConnectionHandler.class);
                if (http2 != null) {
                    http2.gracefulShutdownTimeoutMillis(deadline.toMillis());
                }
            });
        }
        return listener.closeConnections();
    }
}
