package dev.ambit.bench.l7;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;

/** Answers each HTTP/2 stream once its request has ended, on the frame codec directly (no child channels). */
final class Http2Responder extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            if (message instanceof Http2DataFrame data && data.initialFlowControlledBytes() > 0) {
                ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes()).stream(data.stream()));
            }
            if (message instanceof Http2StreamFrame frame && endsRequest(frame)) {
                respond(ctx, frame.stream());
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    private static boolean endsRequest(Http2StreamFrame frame) {
        return frame instanceof Http2HeadersFrame headers && headers.isEndStream()
                || frame instanceof Http2DataFrame data && data.isEndStream();
    }

    private static void respond(ChannelHandlerContext ctx, Http2FrameStream stream) {
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.status("200")
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, ResponseBody.length());
        ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
        ctx.write(new DefaultHttp2DataFrame(ResponseBody.content(), true).stream(stream));
    }
}
