package dev.ambit.runtime.hbone;

import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;

/** The peer reset a tunnelled connection (RST_STREAM): the HBONE form of a TCP reset. */
public final class HboneStreamResetException extends IOException {
    private static final long serialVersionUID = 1L;

    public HboneStreamResetException(long errorCode) {
        super("stream reset by peer: " + describe(errorCode));
    }

    private static String describe(long errorCode) {
        Http2Error error = Http2Error.valueOf(errorCode);
        return error == null ? "error " + errorCode : error.name();
    }
}
