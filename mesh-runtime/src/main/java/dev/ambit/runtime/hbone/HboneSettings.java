package dev.ambit.runtime.hbone;

import io.netty.handler.codec.http2.Http2Settings;
import java.time.Duration;

/**
 * Limits and tuning of HBONE connections, shared by server and client.
 *
 * @param streamWindow         initial HTTP/2 window per stream: the most one tunnelled connection buffers in flight
 *                             before the far reader takes it. 64 KiB (the protocol default) caps throughput at
 *                             window/RTT; megabytes keep a fast link busy.
 * @param connectionWindow     the connection-wide window, shared by all its streams
 * @param maxConcurrentStreams streams per connection; the pool opens another connection beyond it
 * @param handshakeTimeout     TLS handshake deadline, ClientHello included
 * @param connectTimeout       TCP connect deadline of the client
 * @param idleTimeout          how long a connection without streams is kept
 * @param gracefulShutdown     how long a closing connection waits for its streams after GOAWAY
 * @param maxHeaderListSize    largest header block accepted; a CONNECT needs a few hundred bytes
 * @param maxConnections       connections a server takes at once (handshaking ones included)
 * @param keepaliveInterval    how long a pooled connection may be quiet before it is sent a PING; zero turns PINGs off
 * @param keepaliveTimeout     how long the peer then has to send anything before the connection is taken for dead
 * @param maxConnectionsPerPeer connections one client identity may hold to a server at once, so that one peer (a
 *                             runaway or compromised workload) cannot take all {@code maxConnections}; by default
 *                             256, room for 25,600 of its streams while sixteen such peers fit in the listener
 */
public record HboneSettings(
        int streamWindow,
        int connectionWindow,
        int maxConcurrentStreams,
        Duration handshakeTimeout,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration gracefulShutdown,
        int maxHeaderListSize,
        int maxConnections,
        Duration keepaliveInterval,
        Duration keepaliveTimeout,
        int maxConnectionsPerPeer) {

    public static final int MIB = 1024 * 1024;
    /**
     * The largest DATA frame an HBONE endpoint accepts (SETTINGS_MAX_FRAME_SIZE), and so the largest its peer sends:
     * 1 MiB, as ztunnel. With the protocol's default 16 KiB a relayed read of up to 256 KiB became 16 frames, each
     * decoded, dispatched to its stream and flushed to the pod by itself on the receiving side (bench/run --profile:
     * one 16 KiB send per frame). A frame carries what one read gave, so small exchanges are unchanged. What a peer
     * can make a tunnel hold is bounded by the windows either way (16 MiB per connection), not by the frame size.
     */
    public static final int MAX_FRAME_SIZE = MIB;

    public HboneSettings {
        if (streamWindow < 65_535 || connectionWindow < streamWindow) {
            throw new IllegalArgumentException(
                    "windows must be at least 64 KiB, the connection's at least the stream's");
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be positive");
        }
        if (keepaliveInterval.isNegative() || keepaliveTimeout.isNegative() || keepaliveTimeout.isZero()) {
            throw new IllegalArgumentException("keepalive interval must not be negative, its timeout must be positive");
        }
        if (maxConnectionsPerPeer < 1) {
            throw new IllegalArgumentException("maxConnectionsPerPeer must be positive");
        }
    }

    /**
     * The SETTINGS an HBONE endpoint opens its connections with; a client refuses server push, which HBONE never
     * uses.
     */
    public Http2Settings initialHttp2Settings(boolean server) {
        Http2Settings initial = Http2Settings.defaultSettings()
                .initialWindowSize(streamWindow)
                .maxFrameSize(MAX_FRAME_SIZE)
                .maxConcurrentStreams(maxConcurrentStreams)
                .maxHeaderListSize(maxHeaderListSize);
        if (!server) {
            initial.pushEnabled(false);
        }
        return initial;
    }

    public static HboneSettings defaults() {
        return new HboneSettings(4 * MIB, 16 * MIB, 100, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofMinutes(1), Duration.ofSeconds(30), 16 * 1024, 4096, Duration.ofSeconds(30),
                Duration.ofSeconds(10), 256);
    }

    public HboneSettings withMaxConcurrentStreams(int streams) {
        return new HboneSettings(streamWindow, connectionWindow, streams, handshakeTimeout, connectTimeout,
                idleTimeout, gracefulShutdown, maxHeaderListSize, maxConnections, keepaliveInterval, keepaliveTimeout,
                maxConnectionsPerPeer);
    }

    public HboneSettings withWindows(int stream, int connection) {
        return new HboneSettings(stream, connection, maxConcurrentStreams, handshakeTimeout, connectTimeout,
                idleTimeout, gracefulShutdown, maxHeaderListSize, maxConnections, keepaliveInterval, keepaliveTimeout,
                maxConnectionsPerPeer);
    }

    public HboneSettings withTimeouts(Duration handshake, Duration connect, Duration idle) {
        return new HboneSettings(streamWindow, connectionWindow, maxConcurrentStreams, handshake, connect, idle,
                gracefulShutdown, maxHeaderListSize, maxConnections, keepaliveInterval, keepaliveTimeout,
                maxConnectionsPerPeer);
    }

    public HboneSettings withKeepalive(Duration interval, Duration timeout) {
        return new HboneSettings(streamWindow, connectionWindow, maxConcurrentStreams, handshakeTimeout,
                connectTimeout, idleTimeout, gracefulShutdown, maxHeaderListSize, maxConnections, interval, timeout,
                maxConnectionsPerPeer);
    }

    public HboneSettings withMaxConnectionsPerPeer(int connections) {
        return new HboneSettings(streamWindow, connectionWindow, maxConcurrentStreams, handshakeTimeout,
                connectTimeout, idleTimeout, gracefulShutdown, maxHeaderListSize, maxConnections, keepaliveInterval,
                keepaliveTimeout, connections);
    }
}
