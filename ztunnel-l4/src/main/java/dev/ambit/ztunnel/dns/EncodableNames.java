package dev.ambit.ztunnel.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRecordEncoder;

/**
 * Whether Netty's encoder can write a name. Its decoder takes label bytes its encoder refuses (a NUL, for one), and
 * a question the proxy cannot echo, or a record it cannot write, would leave the client with no response at all.
 * Asking the encoder itself keeps the two rules from drifting apart.
 */
final class EncodableNames extends DefaultDnsRecordEncoder {

    private static final EncodableNames ENCODER = new EncodableNames();
    /** The longest name on the wire (RFC 1035 3.1), and a little room. */
    private static final int SCRATCH_BYTES = 256 + 64;

    private EncodableNames() {
    }

    static boolean encodable(String name) {
        ByteBuf scratch = Unpooled.buffer(SCRATCH_BYTES);
        try {
            ENCODER.encodeName(name, scratch);
            return true;
        } catch (Exception e) {
            return false;
        } finally {
            scratch.release();
        }
    }
}
