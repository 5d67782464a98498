package dev.ambit.ztunnel.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends the CONNECT ({@code :method} and {@code :authority} only) on a new client stream and waits for the answer:
 * 200 makes the stream a byte pipe ({@link StreamByteCodec}), anything else, or no answer in time, fails it.
 */
final class ClientStreamHandler extends ChannelInboundHandlerAdapter {

    private final String authority;
    private final Promise<Http2StreamChannel> established;
    private final Duration answerTimeout;

    ClientStreamHandler(String authority, Promise<Http2StreamChannel> established, Duration answerTimeout) {
        this.authority = authority;
        this.established = established;
        this.answerTimeout = answerTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ScheduledFuture<?> timeout = ctx.executor().schedule(
                () -> fail(ctx, new HboneConnectException(authority, "no answer within " + answerTimeout)),
                answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        established.addListener(f -> timeout.cancel(false));
        Http2Headers headers = new DefaultHttp2Headers().method("CONNECT").authority(authority);
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, f.cause());
            }
        });
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame response
                && HttpResponseStatus.OK.codeAsText().contentEquals(response.headers().status())
                && !response.isEndStream()) {
            ctx.pipeline().replace(this, "hbone-bytes", new StreamByteCodec());
            established.trySuccess((Http2StreamChannel) ctx.channel());
            return;
        }
        String what = msg instanceof Http2HeadersFrame response ? "status " + response.headers().status()
                : msg.getClass().getSimpleName();
        ReferenceCountUtil.release(msg);
        fail(ctx, new HboneConnectException(authority, what));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            fail(ctx, new HboneConnectException(authority, "reset " + reset.errorCode()));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        established.tryFailure(new HboneConnectException(authority, "stream closed before an answer"));
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        established.tryFailure(cause);
        ctx.close();
    }
}
