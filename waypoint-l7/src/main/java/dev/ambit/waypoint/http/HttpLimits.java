package dev.ambit.waypoint.http;

import java.time.Duration;

/**
 * Limits on what clients may send to a waypoint. Each exists so that one client cannot take memory or connections
 * from the others.
 *
 * @param maxInitialLineLength  request line bytes (414 beyond)
 * @param maxHeaderSize         header block bytes, HTTP/1.1 and HTTP/2 alike (431 beyond)
 * @param maxRequestBodyBytes   request body bytes, counted as they stream through, never buffered (413 beyond)
 * @param maxConcurrentStreams  HTTP/2 streams per client connection
 * @param retryBufferBytes      request bodies up to this size are kept for retries and mirrors; larger ones stream
 *                              without a copy and are neither retried nor mirrored
 * @param headersTimeout        time to receive a complete request head, from the connection's start or the end of
 *                              the previous response (slowloris: 408 and close)
 * @param idleTimeout           a connection or stream with no bytes either way for this long is closed
 * @param maxConnections        client connections per listener; beyond it new ones are closed at once
 * @param closeLinger           after an HTTP/1.x connection's last response (and FIN or END_STREAM), how long the
 *                              client has to end its side before the connection is closed (reset) anyway
 */
public record HttpLimits(
        int maxInitialLineLength,
        int maxHeaderSize,
        long maxRequestBodyBytes,
        int maxConcurrentStreams,
        int retryBufferBytes,
        Duration headersTimeout,
        Duration idleTimeout,
        int maxConnections,
        Duration closeLinger) {

    public static HttpLimits defaults() {
        return new HttpLimits(8 * 1024, 64 * 1024, 64L * 1024 * 1024, 100, 64 * 1024, Duration.ofSeconds(10),
                Duration.ofMinutes(5), 10_000, Duration.ofSeconds(5));
    }

    public HttpLimits withHeadersTimeout(Duration timeout) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, maxRequestBodyBytes, maxConcurrentStreams,
                retryBufferBytes, timeout, idleTimeout, maxConnections, closeLinger);
    }
}
