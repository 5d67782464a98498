package dev.ambit.waypoint.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * An HTTP/1.1 request decoder that refuses a request carrying both {@code Content-Length} and
 * {@code Transfer-Encoding}. Netty's default drops the Content-Length and goes on, as RFC 9112 allows; a proxy must
 * not, because the next hop may frame the body the other way (CL.TE / TE.CL request smuggling).
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

    public StrictRequestDecoder(HttpLimits limits) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(16 * 1024)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true)
                .setAllowDuplicateContentLengths(false)
                .setValidateHeaders(true));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Content-Length and Transfer-Encoding");
    }
}
