package dev.ambit.runtime.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ReflectiveChannelFactory;
import java.nio.channels.NotYetConnectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in the pipeline of every outgoing connection until it is connected: drops the "not yet connected" failure of
 * a read that belonged to another socket.
 *
 * <p>Netty's epoll loop finds a channel by its descriptor number. When one pass over ready events closes a socket
 * and opens another (a relayed connection ends, a new stream connects to a pod), the new socket gets the closed
 * one's number, and the closed socket's event still waiting in that pass is handed to the new, registered but not
 * yet connected channel. Its read fails with {@code ENOTCONN}, which Netty fires down the pipeline as an exception:
 * under short-lived connections a receiving tunnel logged one such stack trace every few hundred connections. The
 * read concerned a socket that is gone, so there is nothing to handle; a failed connect is reported through the
 * connect future, never through this exception.
 */
@ChannelHandler.Sharable
final class StaleReadsBeforeConnect extends ChannelInboundHandlerAdapter {

    static final StaleReadsBeforeConnect INSTANCE = new StaleReadsBeforeConnect();
    static final String NAME = "stale-reads-before-connect";

    private static final Logger log = LoggerFactory.getLogger(StaleReadsBeforeConnect.class);

    private StaleReadsBeforeConnect() {
    }

    /** Creates {@code type}'s channels with this handler first in their pipelines. */
    static <C extends Channel> ChannelFactory<C> guarding(Class<? extends C> type) {
        ChannelFactory<? extends C> channels = new ReflectiveChannelFactory<>(type);
        return () -> {
            C channel = channels.newChannel();
            channel.pipeline().addFirst(NAME, INSTANCE);
            return channel;
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Connected: every read from now on is this socket's own.
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof NotYetConnectedException && !ctx.channel().isActive()) {
            log.debug("event=stale_read_dropped channel={}", ctx.channel().id());
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
