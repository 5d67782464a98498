package dev.ambit.waypoint.upstream;

import java.time.Duration;

/**
 * @param connectTimeout      TCP (or HBONE stream) connect deadline
 * @param idleTimeout         a pooled connection unused this long is closed
 * @param maxIdlePerEndpoint  idle HTTP/1.1 connections kept per endpoint and event loop
 * @param http2StreamWindow   initial HTTP/2 stream window towards backends
 * @param maxResponseHeaderSize largest response head accepted from a backend
 */
public record UpstreamSettings(
        Duration connectTimeout,
        Duration idleTimeout,
        int maxIdlePerEndpoint,
        int http2StreamWindow,
        int maxResponseHeaderSize) {

    public static UpstreamSettings defaults() {
        return new UpstreamSettings(Duration.ofSeconds(5), Duration.ofSeconds(60), 32, 1024 * 1024, 64 * 1024);
    }
}
