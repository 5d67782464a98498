package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;

/**
 * One CONNECT received by an {@link HboneServer}, not yet answered. Its channel reads and writes plain bytes
 * ({@link StreamByteCodec}) and has {@code autoRead} off: nothing is read until the acceptor starts relaying.
 *
 * @param peer   the client's identity, from its verified certificate
 * @param target the CONNECT authority: where the client wants its bytes to go
 */
public record HboneStream(SpiffeId peer, InetSocketAddress target, Http2StreamChannel channel) {

    /** Answers 200, without END_STREAM: from now on the stream carries the tunnelled connection. */
    public ChannelFuture accept() {
        return channel.writeAndFlush(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText()), false));
    }

    /** Answers {@code status} with END_STREAM and closes the stream. */
    public void reject(HttpResponseStatus status) {
        channel.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status.codeAsText()), true))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
