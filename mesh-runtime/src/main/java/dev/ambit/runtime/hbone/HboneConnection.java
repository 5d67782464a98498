package dev.ambit.runtime.hbone;

import dev.ambit.runtime.tls.ServerNames;
import dev.ambit.runtime.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Promise;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pooled mTLS HTTP/2 connection to a tunnel or waypoint. Streams are reserved before the connection is up, so a
 * burst of connections to a new destination waits for one handshake instead of starting hundreds. Reservation
 * counts are guarded by the pool's lock; the channel lives on one event loop.
 */
final class HboneConnection {

    private static final Logger log = LoggerFactory.getLogger(HboneConnection.class);

    private final HbonePool pool;
    private final HboneKey key;
    private final SslContext context;
    private final HboneSettings settings;
    private final EventLoop loop;
    private final Promise<Channel> ready;
    /** Every channel of the pool, so that a shutdown can close and await them all. */
    private final ChannelGroup channels;
    /** Guarded by the pool. */
    private int reserved;
    /** Guarded by the pool: the lower of our limit and the server's SETTINGS_MAX_CONCURRENT_STREAMS. */
    private int limit;
    /** Guarded by the pool: takes no new streams (GOAWAY, idle close, failure or an outdated certificate). */
    private boolean retired;
    /** Guarded by the pool: when the last stream ended ({@link System#nanoTime()}); meaningful while idle. */
    private long idleSinceNanos;

    HboneConnection(HbonePool pool, HboneKey key, SslContext context, HboneSettings settings, EventLoop loop,
            ChannelGroup channels) {
        this.pool = pool;
        this.key = key;
        this.context = context;
        this.settings = settings;
        this.limit = settings.maxConcurrentStreams();
        this.loop = loop;
        this.ready = loop.newPromise();
        this.channels = channels;
    }

    /** The event loop this connection's channel lives on. */
    EventLoop loop() {
        return loop;
    }

    HboneKey key() {
        return key;
    }

    /** Under the pool's lock. A connection made with an older certificate of the source takes no new streams. */
    boolean tryReserve(SslContext current) {
        if (retired || reserved >= limit) {
            return false;
        }
        if (context != current) {
            retire();
            return false;
        }
        reserved++;
        return true;
    }

    /** Under the pool's lock: whether {@link #tryReserve} would succeed, without retiring an outdated connection. */
    boolean hasRoom(SslContext current) {
        return !retired && reserved < limit && context == current;
    }

    /** Under the pool's lock: streams reserved now. */
    int reserved() {
        return reserved;
    }

    /** Under the pool's lock. */
    void retire() {
        retired = true;
        if (reserved == 0) {
            closeWhenReady();
        }
    }

    /** Under the pool's lock. */
    void limit(int serverLimit) {
        limit = Math.min(settings.maxConcurrentStreams(), serverLimit);
    }

    /** Under the pool's lock: a retired connection closes with its last stream, others after the idle timeout. */
    void release() {
        if (--reserved == 0) {
            idleSinceNanos = System.nanoTime();
            if (retired) {
                closeWhenReady();
            } else {
                scheduleIdleClose();
            }
        }
    }

    /** Under the pool's lock: without streams for the whole idle timeout (not just since a timer started). */
    boolean idle() {
        return reserved == 0 && System.nanoTime() - idleSinceNanos >= settings.idleTimeout().toNanos();
    }

    /** Connects, handshakes and installs HTTP/2, from a task of the loop ({@link Transport#openAfterIoPass}). */
    void dial(Bootstrap bootstrap) {
        String serverName = ServerNames.of(key.expectedIdentity());
        // HTTP/2 has no half-closed connection: the server's FIN ends it and its streams.
        bootstrap.option(ChannelOption.AUTO_READ, true).option(ChannelOption.ALLOW_HALF_CLOSURE, false);
        bootstrap.handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                SslHandler ssl = context.newHandler(channel.alloc(), serverName, key.destination().getPort());
                ssl.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
                Promise<Void> handshake = channel.eventLoop().newPromise();
                channel.pipeline().addLast(ssl, new ClientHandshakeHandler(handshake));
                handshake.addListener(f -> {
                    if (f.isSuccess()) {
                        Http2Connections.install(channel, false, settings, RefuseServerStreams.INSTANCE,
                                new PooledConnectionHandler(pool, HboneConnection.this));
                        if (!settings.keepaliveInterval().isZero()) {
                            channel.pipeline().addFirst(new KeepalivePing(settings.keepaliveInterval(),
                                    settings.keepaliveTimeout(), key.destination()));
                        }
                        ready.trySuccess(channel);
                        log.debug("event=hbone_connection_established destination={} expected_identity={}",
                                key.destination(), key.expectedIdentity());
                    } else {
                        ready.tryFailure(f.cause());
                    }
                });
            }
        });
        boolean started = Transport.openAfterIoPass(loop, () -> {
            ChannelFuture connecting = bootstrap.connect(key.destination());
            // In the group while it dials too, so that a shutdown closes it rather than leaving it to connect later.
            channels.add(connecting.channel());
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    ready.tryFailure(f.cause());
                    pool.closed(this);
                    return;
                }
                Channel channel = connecting.channel();
                channel.closeFuture().addListener(c -> {
                    ready.tryFailure(new ClosedChannelException());
                    pool.closed(this);
                });
            });
        });
        if (!started) {
            ready.tryFailure(new RejectedExecutionException("event loop shut down"));
            pool.closed(this);
        }
    }

    /** Opens one CONNECT stream on a reservation taken with {@link #tryReserve}; the reservation ends with it. */
    void openStream(String authority, Promise<Http2StreamChannel> result) {
        ready.addListener(f -> {
            if (!f.isSuccess()) {
                pool.release(this);
                result.tryFailure(f.cause());
                return;
            }
            Channel channel = (Channel) f.getNow();
            Promise<Http2StreamChannel> established = channel.eventLoop().newPromise();
            new Http2StreamChannelBootstrap(channel)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ClientStreamHandler(authority, established, settings.connectTimeout()))
                    .open()
                    .addListener(open -> {
                        if (!open.isSuccess()) {
                            pool.release(this);
                            established.tryFailure(goAwayReceived(channel)
                                    ? new UnprocessedStreamException(authority, "GOAWAY before the stream opened")
                                    : open.cause());
                            return;
                        }
                        ((Http2StreamChannel) open.getNow()).closeFuture().addListener(c -> pool.release(this));
                    });
            established.addListener(e -> {
                if (e.isSuccess()) {
                    result.trySuccess((Http2StreamChannel) e.getNow());
                } else {
                    result.tryFailure(e.cause());
                }
            });
        });
    }

    private static boolean goAwayReceived(Channel channel) {
        Http2ConnectionHandler http2 = channel.pipeline().get(Http2ConnectionHandler.class);
        return http2 != null && http2.connection().goAwayReceived();
    }

    /** Closes (GOAWAY, then TCP) once connected; always later on the event loop, never under the pool's lock. */
    private void closeWhenReady() {
        ready.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = (Channel) f.getNow();
                channel.eventLoop().execute(channel::close);
            }
        });
    }

    private void scheduleIdleClose() {
        ready.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = (Channel) f.getNow();
                channel.eventLoop().schedule(() -> pool.closeIfIdle(this),
                        settings.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }
}
