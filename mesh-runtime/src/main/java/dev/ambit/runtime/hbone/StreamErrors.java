package dev.ambit.runtime.hbone;

import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import java.util.OptionalInt;

/**
 * Tells an error that concerns one stream from one that concerns the whole HTTP/2 connection, for the last handler of
 * an HBONE connection. Netty's codec and multiplexer end a stream in error themselves (RST_STREAM, or closing its
 * child channel); one that still reaches the connection's last handler must not take the other streams down with
 * it. Only a connection error ends the connection.
 */
final class StreamErrors {

    private StreamErrors() {
    }

    /** The stream {@code cause} is about, or empty when it is about the connection. */
    static OptionalInt streamOf(Throwable cause) {
        if (cause instanceof Http2FrameStreamException streamError) {
            return OptionalInt.of(streamError.stream().id());
        }
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) instanceof Http2Exception.StreamException streamError) {
            return OptionalInt.of(streamError.streamId());
        }
        return OptionalInt.empty();
    }
}
