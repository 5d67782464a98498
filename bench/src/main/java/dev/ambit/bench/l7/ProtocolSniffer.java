package dev.ambit.bench.l7;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import java.util.List;

/**
 * Picks HTTP/2 (the client's first bytes are the connection preface: prior knowledge) or HTTP/1.1 for a new
 * connection, installs that protocol's codec and responder, and steps aside with the bytes read so far.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int compared = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean prefaceSoFar = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, compared);
        if (prefaceSoFar && compared < PREFACE.readableBytes()) {
            return;
        }
        if (prefaceSoFar) {
            ctx.pipeline().addAfter(ctx.name(), null, new Http2Responder())
                    .addAfter(ctx.name(), null, Http2FrameCodecBuilder.forServer().build());
        } else {
            ctx.pipeline().addAfter(ctx.name(), null, new Http1Responder())
                    .addAfter(ctx.name(), null, new HttpServerCodec());
        }
        ctx.pipeline().remove(this);
    }
}
