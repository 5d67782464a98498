package dev.ambit.bench.l7;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** What the backend answers: a short body, shared read-only by every response. */
final class ResponseBody {

    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("hello from the bench backend\n".getBytes(StandardCharsets.US_ASCII)));

    private ResponseBody() {
    }

    static ByteBuf content() {
        return BODY.duplicate();
    }

    static int length() {
        return BODY.readableBytes();
    }
}
