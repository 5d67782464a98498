package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams this end of a connection reset most recently. Frames the peer sent on them before our RST_STREAM
 * reached it may still be on the way, and RFC 9113 §5.1 says to ignore them. Bounded by count, as the RFC allows ("MAY
 * limit the period"); stream ids are never reused on a connection, so an old id can only be forgotten, never mistaken
 * for a new stream. Used on the connection's event loop only.
 */
final class RecentResets {

    private static final Logger log = LoggerFactory.getLogger(RecentResets.class);

    private final int[] ids;
    private int next;
    private int size;

    RecentResets(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.ids = new int[capacity];
    }

    /** Remembers {@code streamId}, forgetting the oldest one once full. */
    void add(int streamId) {
        ids[next] = streamId;
        next = (next + 1) % ids.length;
        size = Math.min(size + 1, ids.length);
    }

    /** A linear scan: it only runs for frames on streams the connection no longer knows, and the ring is small. */
    boolean contains(int streamId) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == streamId) {
                return true;
            }
        }
        return false;
    }

    /** Remembers every stream of {@code connection} that this end resets. */
    void follow(Http2Connection connection) {
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (stream.isResetSent()) {
                    add(stream.id());
                }
            }
        });
    }

    /**
     * Whether {@code cause}, an error the codec raised on reading, is only a frame the peer sent on a stream before
     * our RST_STREAM reached it, to be dropped (and logged at debug) rather than handled. The decoder has already
     * counted such a frame against the connection window and returned its bytes, so ignoring the error keeps flow
     * control whole.
     */
    boolean dropsLateFrame(ChannelHandlerContext ctx, Http2Connection connection, boolean outbound, Throwable cause) {
        if (!outbound && Http2CodecUtil.getEmbeddedHttp2Exception(cause) instanceof Http2Exception.StreamException e
                && e.error() == Http2Error.STREAM_CLOSED && connection.stream(e.streamId()) == null
                && contains(e.streamId())) {
            log.debug("event=hbone_late_frame_ignored remote={} stream_id={}", ctx.channel().remoteAddress(),
                    e.streamId());
            return true;
        }
        return false;
    }
}
