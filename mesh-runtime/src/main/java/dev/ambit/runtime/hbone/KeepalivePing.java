package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a PING on a pooled HBONE connection the peer has been quiet on for the keepalive interval, and closes the
 * connection if the peer then sends nothing for the keepalive timeout. A peer that vanished (node powered off, network
 * partitioned) sends no FIN or RST: without this, the streams on its connection would hang, and new ones be put on
 * it, until TCP gave up many minutes later. Any byte from the peer counts as life, so a connection that carries
 * traffic is never pinged, and at most one PING is outstanding. First handler of the pipeline, so that it sees every
 * byte; the PING itself goes through the HTTP/2 codec.
 */
final class KeepalivePing extends IdleStateHandler {

    private static final Logger log = LoggerFactory.getLogger(KeepalivePing.class);

    private final Duration timeout;
    private final InetSocketAddress destination;
    private ScheduledFuture<?> deadline;
    private long pings;

    KeepalivePing(Duration interval, Duration timeout, InetSocketAddress destination) {
        super(interval.toNanos(), 0, 0, TimeUnit.NANOSECONDS);
        this.timeout = timeout;
        this.destination = destination;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (deadline != null) {
            return;
        }
        ctx.channel().writeAndFlush(new DefaultHttp2PingFrame(++pings));
        deadline = ctx.executor().schedule(() -> {
            log.info("event=hbone_keepalive_timeout destination={} remote={} interval_ms={} timeout_ms={}",
                    destination, ctx.channel().remoteAddress(), getReaderIdleTimeInMillis(), timeout.toMillis());
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        stopWaiting();
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        stopWaiting();
        super.handlerRemoved(ctx);
    }

    private void stopWaiting() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
