package dev.ambit.waypoint.observe;

import dev.ambit.waypoint.upstream.UpstreamTarget;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The spans of one request through the waypoint: one SERVER span for the request received, and under it one CLIENT
 * span per upstream attempt (a retry is a span of its own). Every call comes from the request's event loop and
 * returns without blocking: ended spans go to a bounded queue that a background thread exports.
 */
public interface RequestSpans {

    RequestSpans OFF = new RequestSpans() {
        @Override
        public TraceContext serverStarted(TraceContext incoming, HttpRequest request) {
            return incoming;
        }

        @Override
        public ClientSpan clientStarted(UpstreamTarget endpoint, String cluster) {
            return ClientSpan.OFF;
        }

        @Override
        public void end(AccessLogEntry entry) {
        }
    };

    /**
     * Starts the SERVER span, a child of the caller's span in {@code incoming}.
     *
     * @return the context this hop forwards and logs: {@code incoming} with the server span's ids (and sampling
     *         decision, for a new trace) when spans are recorded
     */
    TraceContext serverStarted(TraceContext incoming, HttpRequest request);

    /** Starts the CLIENT span of one attempt against {@code endpoint} of {@code cluster} (host:port). */
    ClientSpan clientStarted(UpstreamTarget endpoint, String cluster);

    /**
     * Ends the server span (and the attempt still open, whose response it streamed) with what the request's access-log
     * line says: status, route, upstream, retries, response flags. Called once, before the line is handed to the
     * access log's thread.
     */
    void end(AccessLogEntry entry);

    /** One upstream attempt's span. */
    interface ClientSpan {

        ClientSpan OFF = new ClientSpan() {
            @Override
            public void inject(HttpHeaders headers) {
            }

            @Override
            public void responded(int status) {
            }

            @Override
            public void failed(String errorType) {
            }

            @Override
            public void end() {
            }
        };

        /** Names this span as the parent in the attempt's outgoing {@code traceparent} and B3 headers. */
        void inject(HttpHeaders headers);

        /** The endpoint answered with {@code status} (the span stays open while the response streams). */
        void responded(int status);

        /** The attempt got no answer: {@code errorType} says why (a timeout, a reset, an exception's class). */
        void failed(String errorType);

        /** Ends the span; later calls do nothing. */
        void end();
    }
}
