package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
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
                // A GOAWAY read before this stream got its id: the codec refuses to create it, nothing was sent.
                fail(ctx, beyondPeersGoAway((Http2StreamChannel) ctx.channel())
                        ? new UnprocessedStreamException(authority, "its GOAWAY came before the stream could open")
                        : f.cause());
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
        HboneConnectException refused = msg instanceof Http2HeadersFrame response ? refusal(response)
                : new HboneConnectException(authority, msg.getClass().getSimpleName());
        ReferenceCountUtil.release(msg);
        fail(ctx, refused);
    }

    /** The peer's answer other than 200 (or a 200 that ends the stream at once), its status kept when it is one. */
    private HboneConnectException refusal(Http2HeadersFrame response) {
        CharSequence status = response.headers().status();
        try {
            int code = Integer.parseInt(String.valueOf(status));
            if (code != HttpResponseStatus.OK.code()) {
                return new HboneConnectException(authority, code);
            }
        } catch (NumberFormatException notANumber) {
            // Not a status at all: named as it came.
        }
        return new HboneConnectException(authority, "status " + status);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Http2ResetFrame reset) {
            fail(ctx, reset.errorCode() == Http2Error.REFUSED_STREAM.code()
                    ? new UnprocessedStreamException(authority, "REFUSED_STREAM")
                    : new HboneConnectException(authority, "reset " + reset.errorCode()));
        } else if (evt instanceof Http2GoAwayFrame goAway) {
            // The multiplexer passes a GOAWAY only to streams above its last stream id: ones the peer never saw.
            goAway.release();
            fail(ctx, new UnprocessedStreamException(authority, "its GOAWAY came before it saw the stream"));
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Http2StreamChannel stream = (Http2StreamChannel) ctx.channel();
        established.tryFailure(beyondPeersGoAway(stream)
                ? new UnprocessedStreamException(authority, "its GOAWAY came before it saw stream " + stream.stream().id())
                : new HboneConnectException(authority, "stream closed before an answer"));
    }

    /** Whether the peer's GOAWAY says it never saw this stream (or the stream never got as far as an id). */
    static boolean beyondPeersGoAway(Http2StreamChannel stream) {
        Http2ConnectionHandler http2 = stream.parent().pipeline().get(Http2ConnectionHandler.class);
        if (http2 == null || !http2.connection().goAwayReceived()) {
            return false;
        }
        int id = stream.stream().id();
        return id < 0 || id > http2.connection().local().lastStreamKnownByPeer();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        established.tryFailure(cause);
        ctx.close();
    }
}
