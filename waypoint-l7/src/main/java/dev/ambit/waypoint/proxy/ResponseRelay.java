package dev.ambit.waypoint.proxy;

import dev.ambit.waypoint.http.MessageHeaders;
import dev.ambit.waypoint.route.HeaderEdits;
import dev.ambit.waypoint.route.RouteSelection;
import dev.ambit.waypoint.upstream.UpstreamListener;
import dev.ambit.waypoint.upstream.UpstreamStream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend's answer on its way to the client: the head (unless {@link UpstreamAttempts} turns it into another
 * try) with hop-by-hop headers stripped and the route's response header edits applied, then the body, each message
 * read from the backend only when the client can take it.
 *
 * <p>It listens to the stream of whichever try is current; a stream's failure is the attempts' to judge.
 */
final class ResponseRelay implements UpstreamListener {

    private final RequestExchange exchange;
    private final UpstreamAttempts attempts;
    private final Downstream downstream;
    private final ExchangeReport report;
    /** The matched route, null when the service has no routes. */
    private final RouteSelection route;

    ResponseRelay(RequestExchange exchange, UpstreamAttempts attempts, Downstream downstream, ExchangeReport report,
            RouteSelection route) {
        this.exchange = exchange;
        this.attempts = attempts;
        this.downstream = downstream;
        this.report = report;
        this.route = route;
    }

    @Override
    public void onResponse(HttpObject message) {
        if (exchange.isFinished() || !attempts.started()) {
            ReferenceCountUtil.release(message);
            return;
        }
        UpstreamStream stream = attempts.stream();
        if (message instanceof HttpResponse response && !exchange.responseStarted()) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                    && !(response instanceof FullHttpResponse)) {
                // 100 Continue and friends: the downstream codec answered Expect already.
                stream.read();
                return;
            }
            if (attempts.retryOn(response)) {
                return;
            }
            forwardHead(response, stream);
        }
        if (message instanceof HttpContent content && exchange.responseStarted()) {
            report.addBytesSent(content.content().readableBytes());
            boolean last = content instanceof LastHttpContent;
            // A full response went with its head.
            if (!(message instanceof HttpResponse)) {
                downstream.write(content);
            }
            if (last) {
                exchange.responseEnded();
            } else if (downstream.isWritable()) {
                stream.read();
            }
        } else if (!(message instanceof HttpResponse)) {
            ReferenceCountUtil.release(message);
        }
    }

    private void forwardHead(HttpResponse response, UpstreamStream stream) {
        exchange.responseStarted(response.status().code());
        attempts.answered();
        HttpHeaders headers = response.headers();
        MessageHeaders.stripHopByHop(headers);
        if (route != null) {
            route.rule().filters().responseHeaders().ifPresent(modifier -> HeaderEdits.apply(modifier, headers));
        }
        downstream.write(response);
        if (!(response instanceof FullHttpResponse) && downstream.isWritable()) {
            stream.read();
        }
    }

    /** The client can take more: the next response message is read. */
    void onDownstreamWritable() {
        UpstreamStream stream = attempts.stream();
        if (exchange.responseStarted() && stream != null && !exchange.isFinished()) {
            stream.read();
        }
    }

    /** The other direction: the stream can take more of the request body. */
    @Override
    public void onWritable() {
        exchange.onUpstreamWritable();
    }

    @Override
    public void onStreamError(Throwable cause) {
        if (exchange.isFinished() || !attempts.started()) {
            return;
        }
        attempts.streamFailed(cause);
    }
}
