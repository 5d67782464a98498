package dev.ambit.waypoint.inbound;

import dev.ambit.waypoint.http.RequestFraming;
import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client end of an HTTP/1.x connection: requests one after another (keep-alive), each head refused when its
 * framing is ambiguous (request smuggling), the headers timeout (slowloris) between them, the response framed for
 * the request's version and method, and the connection ended without a reset ({@link LingeringClose}) when it cannot
 * carry another request.
 */
final class Http1Downstream extends DownstreamHandler {

    private ScheduledFuture<?> headersTimer;
    /** The current request's response framing. */
    private Http1ResponseFraming framing;

    Http1Downstream(ExchangeEnvironment env) {
        super(env);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        armHeadersTimer();
        super.handlerAdded(ctx);
    }

    @Override
    void onRequestHead(HttpRequest request) {
        cancelHeadersTimer();
        super.onRequestHead(request);
    }

    @Override
    String framingViolation(HttpRequest request) {
        return RequestFraming.violation(request);
    }

    @Override
    void requestAccepted(HttpRequest request) {
        framing = new Http1ResponseFraming(request);
    }

    @Override
    boolean bodylessHead(HttpRequest request) {
        return !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    }

    @Override
    void unansweredRequestEnded() {
        read();
    }

    /** Answers and closes: the rest of the connection cannot be framed. */
    @Override
    void refuse(HttpResponseStatus status, String reason) {
        FullHttpResponse response = refusal(status, reason);
        if (current != null) {
            // An exchange under way learns of the close.
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response);
        endConnection();
    }

    @Override
    void inputEndedBetweenRequests() {
        // Whatever was answered may still be on its way to the client.
        endConnection();
    }

    @Override
    void failedBetweenRequests(Throwable cause) {
        refuse(HttpResponseStatus.BAD_REQUEST, MalformedRequests.reason(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeadersTimer();
        super.channelInactive(ctx);
    }

    /** Ends the connection after what was written so far, without a reset ({@link LingeringClose}). */
    private void endConnection() {
        cancelHeadersTimer();
        ctx.pipeline().replace(this, "h1-linger", new LingeringClose(inputShutdown, env.limits().closeLinger()));
    }

    private void armHeadersTimer() {
        ReadActivity activity = ctx.pipeline().get(ReadActivity.class);
        if (activity != null) {
            activity.mark();
        }
        headersTimer = ctx.executor().schedule(this::headersTimedOut, env.limits().headersTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void cancelHeadersTimer() {
        if (headersTimer != null) {
            headersTimer.cancel(false);
            headersTimer = null;
        }
    }

    /**
     * A client that started a request but did not finish its head in time gets 408 (slowloris); an idle keep-alive
     * connection is just closed.
     */
    private void headersTimedOut() {
        if (current != null || !ctx.channel().isActive()) {
            return;
        }
        ReadActivity activity = ctx.pipeline().get(ReadActivity.class);
        if (activity != null && activity.readSinceMark()) {
            refuse(HttpResponseStatus.REQUEST_TIMEOUT, "request headers not received in time");
        } else {
            endConnection();
        }
    }

    // ---- Downstream

    @Override
    public String protocol() {
        return framing != null && framing.http10() ? "HTTP/1.0" : "HTTP/1.1";
    }

    @Override
    public void write(HttpObject message) {
        if (message instanceof HttpResponse response) {
            framing.frame(response, inputShutdown);
        }
        ctx.writeAndFlush(message);
    }

    @Override
    public void done(boolean requestComplete) {
        current = null;
        if (framing.keepAlive() && !inputShutdown && (requestComplete || bodyless)) {
            armHeadersTimer();
            read();
        } else {
            endConnection();
        }
    }
}
