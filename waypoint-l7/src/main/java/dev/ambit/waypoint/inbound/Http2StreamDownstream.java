package dev.ambit.waypoint.inbound;

import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The client end of one HTTP/2 stream: one exchange, framed by the stream itself. The stream ends with the response;
 * one whose request was not read to its end is reset.
 */
final class Http2StreamDownstream extends DownstreamHandler {

    private ChannelFuture lastWrite;

    Http2StreamDownstream(ExchangeEnvironment env) {
        super(env);
    }

    @Override
    Channel connectionChannel() {
        return ctx.channel().parent();
    }

    @Override
    String framingViolation(HttpRequest request) {
        // The HTTP/2 codec frames the stream; no length or chunking header can be ambiguous there.
        return null;
    }

    @Override
    void requestAccepted(HttpRequest request) {
    }

    @Override
    boolean bodylessHead(HttpRequest request) {
        // Without END_STREAM on its HEADERS, a stream's request may still send DATA.
        return false;
    }

    @Override
    void refuse(HttpResponseStatus status, String reason) {
        ctx.writeAndFlush(refusal(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    void inputEndedBetweenRequests() {
        ctx.close();
    }

    @Override
    void failedBetweenRequests(Throwable cause) {
        ctx.close();
    }

    // ---- Downstream

    @Override
    public String protocol() {
        return "HTTP/2";
    }

    @Override
    public void write(HttpObject message) {
        lastWrite = ctx.writeAndFlush(message);
    }

    @Override
    public void done(boolean requestComplete) {
        current = null;
        // A stream whose request was not read to its end is reset; a finished one is already closed.
        (lastWrite != null ? lastWrite : ctx.newSucceededFuture()).addListener(ChannelFutureListener.CLOSE);
    }
}
