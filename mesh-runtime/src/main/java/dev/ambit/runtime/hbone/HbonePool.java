package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HBONE client: each tunnelled connection is one CONNECT stream, multiplexed over mTLS HTTP/2 connections pooled by
 * {@link HboneKey}. A connection takes streams up to the stream limit; the pool opens another beyond it, drops
 * connections that have been idle for the idle timeout, and stops using those made with a rotated-out certificate
 * (they finish their streams undisturbed).
 *
 * <p>Connections belong to event loops: a stream is opened on a connection living on the loop of the socket it
 * relays, and a loop without one dials its own. So a relayed byte does not change threads on its way from the pod's
 * socket into TLS (measured: +40 % one-stream throughput and a third off the median round trip against one shared
 * connection), and a node's traffic to a peer spreads over several loops and TLS sessions. That costs connections,
 * which a server counts per client identity ({@link HboneSettings#maxConnectionsPerPeer()}), so loops dial their own
 * only while the source identity holds fewer than {@link #AFFINITY_CONNECTIONS_PER_PEER} connections to that
 * destination address (all expected identities together); past that a loop shares the least loaded connection of
 * its key, and the bridge relays across the two loops. Every key still gets a connection, and a full one (stream
 * limit) another, as without affinity.
 *
 * <p>The lock guards only bookkeeping; no I/O happens under it.
 */
public final class HbonePool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HbonePool.class);
    /** A peer handing over may GOAWAY twice in a row (its predecessor, then a pooled connection to it). */
    private static final int UNPROCESSED_RETRIES = 2;
    /**
     * Connections a source identity holds to one destination address before further loops share rather than dial:
     * on a many-core node, per-loop connections would otherwise multiply what the server counts against the
     * client identity's cap by the number of loops.
     */
    static final int AFFINITY_CONNECTIONS_PER_PEER = 4;

    private final Transport transport;
    private final TlsContextSource contexts;
    private final HboneSettings settings;
    private final Map<HboneKey, List<HboneConnection>> connections = new HashMap<>();
    /** Connections open or opening per (source identity, destination address), whatever identity they expect. */
    private final Map<Peer, Integer> connectionsPerPeer = new HashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("hbone-pool", GlobalEventExecutor.INSTANCE);
    private boolean closed;

    public HbonePool(Transport transport, TlsContextSource contexts, HboneSettings settings) {
        this.transport = transport;
        this.contexts = contexts;
        this.settings = settings;
    }

    /**
     * A CONNECT stream to {@code target} through {@code key}'s destination, answered 200, on a connection living on
     * {@code loop} (the loop of the socket the stream will be relayed with). It reads and writes plain bytes
     * ({@link StreamByteCodec}) and has {@code autoRead} off.
     */
    public Future<Http2StreamChannel> connect(HboneKey key, InetSocketAddress target, EventLoop loop) {
        Promise<Http2StreamChannel> result = loop.newPromise();
        connect(key, target, loop, result, UNPROCESSED_RETRIES);
        return result;
    }

    /**
     * A stream the peer never processed (its GOAWAY came first: it is draining, e.g. handing over to a successor)
     * is opened again on another connection, a few times at most.
     */
    private void connect(HboneKey key, InetSocketAddress target, EventLoop loop, Promise<Http2StreamChannel> result,
            int retries) {
        SslContext context = contexts.clientContext(key.source());
        if (context == null) {
            result.setFailure(new NoCertificateException(key.source()));
            return;
        }
        HboneConnection connection = reserve(key, context, loop);
        if (connection == null) {
            result.setFailure(new IllegalStateException("HBONE pool is closed"));
            return;
        }
        Promise<Http2StreamChannel> attempt = loop.newPromise();
        connection.openStream(ConnectAuthority.format(target), attempt);
        attempt.addListener(f -> {
            if (f.isSuccess()) {
                result.trySuccess(attempt.getNow());
            } else if (f.cause() instanceof UnprocessedStreamException && retries > 0) {
                // The GOAWAY may not have reached the pool yet: that connection must not be picked again.
                retire(connection);
                log.info("event=hbone_stream_reopened destination={} reason=\"{}\"", key.destination(),
                        f.cause().getMessage());
                connect(key, target, loop, result, retries - 1);
            } else {
                result.tryFailure(f.cause());
            }
        });
    }

    /** Connections open or opening, for all keys. */
    public synchronized int connectionCount() {
        return connections.values().stream().mapToInt(List::size).sum();
    }

    /** Connections open or opening for {@code key}. */
    public synchronized int connectionCount(HboneKey key) {
        List<HboneConnection> list = connections.get(key);
        return list == null ? 0 : list.size();
    }

    /** Takes no new streams; open connections close (GOAWAY) once their streams are done. */
    @Override
    public synchronized void close() {
        closed = true;
        connections.values().forEach(list -> list.forEach(HboneConnection::retire));
    }

    /** Closes every connection now, streams or not; completes when all are closed. */
    public ChannelGroupFuture closeConnections() {
        return channels.close();
    }

    /**
     * A reserved stream slot on a connection of {@code loop}, dialling one if none has room; a loop without a
     * connection of its own to a peer that holds {@link #AFFINITY_CONNECTIONS_PER_PEER} already shares one instead.
     */
    private HboneConnection reserve(HboneKey key, SslContext context, EventLoop loop) {
        HboneConnection dialled;
        synchronized (this) {
            if (closed) {
                return null;
            }
            List<HboneConnection> list = connections.computeIfAbsent(key, k -> new ArrayList<>(2));
            boolean loopHasOne = false;
            for (HboneConnection connection : list) {
                if (connection.loop() == loop) {
                    loopHasOne = true;
                    if (connection.tryReserve(context)) {
                        return connection;
                    }
                }
            }
            Peer peer = Peer.of(key);
            if (!loopHasOne && connectionsPerPeer.getOrDefault(peer, 0) >= AFFINITY_CONNECTIONS_PER_PEER) {
                HboneConnection shared = leastLoaded(list, context);
                if (shared != null && shared.tryReserve(context)) {
                    return shared;
                }
            }
            dialled = new HboneConnection(this, key, context, settings, loop, channels);
            dialled.tryReserve(context);
            list.add(dialled);
            connectionsPerPeer.merge(peer, 1, Integer::sum);
        }
        // Outside the lock: the socket is opened, registered and connected by a task of the loop.
        dialled.dial(transport.bootstrap(loop, settings.connectTimeout()));
        return dialled;
    }

    /** Under the lock: the connection of {@code list} with room that carries the fewest streams, if any. */
    private static HboneConnection leastLoaded(List<HboneConnection> list, SslContext context) {
        HboneConnection least = null;
        for (HboneConnection connection : list) {
            if (connection.hasRoom(context) && (least == null || connection.reserved() < least.reserved())) {
                least = connection;
            }
        }
        return least;
    }

    synchronized void release(HboneConnection connection) {
        connection.release();
    }

    synchronized void limit(HboneConnection connection, int serverLimit) {
        connection.limit(serverLimit);
    }

    synchronized void retire(HboneConnection connection) {
        connection.retire();
    }

    synchronized void closeIfIdle(HboneConnection connection) {
        if (connection.idle()) {
            connection.retire();
        }
    }

    synchronized void closed(HboneConnection connection) {
        connection.retire();
        List<HboneConnection> list = connections.get(connection.key());
        if (list == null || !list.remove(connection)) {
            return;
        }
        if (list.isEmpty()) {
            connections.remove(connection.key());
        }
        connectionsPerPeer.computeIfPresent(Peer.of(connection.key()), (peer, count) -> count > 1 ? count - 1 : null);
    }

    /** Whom a server counts a connection against: the client identity, at one destination address. */
    private record Peer(SpiffeId source, InetSocketAddress destination) {

        static Peer of(HboneKey key) {
            return new Peer(key.source(), key.destination());
        }
    }
}
