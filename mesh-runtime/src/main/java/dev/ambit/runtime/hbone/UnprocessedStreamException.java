package dev.ambit.runtime.hbone;

import java.io.IOException;

/**
 * The HBONE peer never processed a CONNECT stream: its GOAWAY named a lower last stream id, or it answered
 * REFUSED_STREAM (RFC 9113, 6.8 and 8.7). Nothing reached the destination, so the stream may be opened again on
 * another connection: what a draining peer's GOAWAY asks its clients to do.
 */
public final class UnprocessedStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnprocessedStreamException(String authority, String why) {
        super("CONNECT " + authority + " not processed by the peer: " + why);
    }
}
