package dev.ambit.waypoint.inbound;

import dev.ambit.waypoint.http.HttpLimits;
import dev.ambit.waypoint.http.IdleCloser;
import dev.ambit.waypoint.http.ProtocolDetector;
import dev.ambit.waypoint.http.StrictRequestDecoder;
import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Sets up a client connection: idle timeout, protocol detection, then either the HTTP/1.1 codec with one
 * {@link Http1Downstream} for the connection, or the HTTP/2 codec with an {@link Http2StreamDownstream} per stream
 * ({@link Http2Downstreams}). Request messages reach an exchange one per {@code read()} (for HTTP/1.1 through
 * {@link FlowControlHandler}), which is how backpressure works.
 */
public final class InboundPipeline implements ProtocolDetector.Installer {

    private final ExchangeEnvironment env;
    private final HttpLimits limits;
    private final ConnectionErrors connectionErrors;

    public InboundPipeline(ExchangeEnvironment env) {
        this.env = env;
        this.limits = env.limits();
        this.connectionErrors = new ConnectionErrors(limits.closeLinger());
    }

    public void install(InboundConnection connection) {
        Channel channel = connection.channel();
        channel.attr(DownstreamHandler.CONNECTION).set(connection);
        channel.pipeline().addLast(
                new IdleStateHandler(0, 0, limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                IdleCloser.INSTANCE,
                new ProtocolDetector(limits.headersTimeout(), this));
    }

    @Override
    public void installHttp1(ChannelHandlerContext ctx) {
        // In order, the handler that asks for the first read last: its read must pass the flow-control handler.
        ctx.pipeline()
                .addAfter(ctx.name(), "h1-flush", newFlushConsolidation())
                .addAfter("h1-flush", "h1-activity", new ReadActivity())
                .addAfter("h1-activity", "h1-decoder", new StrictRequestDecoder(limits))
                .addAfter("h1-decoder", "h1-encoder", new HttpResponseEncoder())
                .addAfter("h1-encoder", "h1-expect", new ExpectContinue(limits))
                .addAfter("h1-expect", "h1-flow", new FlowControlHandler())
                .addAfter("h1-flow", "h1-downstream", new Http1Downstream(env));
    }

    /**
     * HTTP/2 runs on a TCP connection or on an HBONE CONNECT stream; either way this end is the server, and each
     * stream is an exchange ({@link Http2Downstreams}).
     */
    @Override
    public void installHttp2(ChannelHandlerContext ctx) {
        InboundConnection connection = ctx.channel().attr(DownstreamHandler.CONNECTION).get();
        ctx.pipeline()
                .addAfter(ctx.name(), "h2-flush", newFlushConsolidation())
                .addAfter("h2-flush", "h2-codec", Http2Downstreams.create(env, connection))
                .addAfter("h2-codec", "h2-errors", connectionErrors);
        // The connection always reads: per-stream flow control bounds what each stream buffers.
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * Response messages are flushed as they are forwarded, and they are forwarded as the upstream codec decodes them,
     * one by one: a response head and its body read in one segment from the backend would leave in two, and with
     * HTTP/2 every stream's response would be a write of its own. Flushes are deferred to the end of the connection's
     * read or, outside one, of the event loop's current batch of I/O, so what is forwarded together leaves together;
     * nothing waits for more than that batch, and a connection that stops being writable is flushed at once.
     */
    static FlushConsolidationHandler newFlushConsolidation() {
        return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
    }
}
