package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a pooled connection: follows the server's SETTINGS_MAX_CONCURRENT_STREAMS, stops new streams on
 * GOAWAY (streams in flight finish), releases connection-level frames and closes on connection errors; an error of one
 * stream ends only that stream ({@link StreamErrors}).
 */
final class PooledConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PooledConnectionHandler.class);

    private final HbonePool pool;
    private final HboneConnection connection;

    PooledConnectionHandler(HbonePool pool, HboneConnection connection) {
        this.pool = pool;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame settings && settings.settings().maxConcurrentStreams() != null) {
                pool.limit(connection, (int) Math.min(Integer.MAX_VALUE, settings.settings().maxConcurrentStreams()));
            } else if (msg instanceof Http2GoAwayFrame goAway) {
                log.info("event=hbone_goaway_received destination={} error_code={}",
                        connection.key().destination(), goAway.errorCode());
                pool.retire(connection);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OptionalInt stream = StreamErrors.streamOf(cause);
        if (stream.isPresent()) {
            log.info("event=hbone_stream_error destination={} stream_id={} error=\"{}\"",
                    connection.key().destination(), stream.getAsInt(), cause.toString());
            return;
        }
        log.info("event=hbone_connection_error destination={} error=\"{}\"", connection.key().destination(),
                cause.toString());
        ctx.close();
    }
}
