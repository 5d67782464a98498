package dev.ambit.runtime.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpContentException;

/**
 * Aggregates requests that carry no body, the only ones the small listeners take. Netty's aggregator would answer a
 * body (413) or an {@code Expect} header (100, 417) itself, ahead of replies still being built for earlier pipelined
 * requests; this one passes a body on as a request whose decoding failed ({@link TooLongHttpContentException}) and
 * invites none, so every answer goes through the connection's ordered replies ({@link ResponseRenderer}).
 */
public final class BodilessRequestAggregator extends HttpObjectAggregator {

    public BodilessRequestAggregator() {
        super(0);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        return null;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (!(oversized instanceof HttpRequest request)) {
            ctx.close();
            return;
        }
        // A copy of what we need: the aggregator releases the oversized message when this returns.
        FullHttpRequest refused = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), Unpooled.EMPTY_BUFFER);
        refused.setDecoderResult(DecoderResult.failure(new TooLongHttpContentException("request with a body")));
        ctx.fireChannelRead(refused);
    }
}
