package dev.ambit.waypoint.inbound;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames from a client (after the preface, which the fuzz target adds) into the waypoint's inbound pipeline:
 * SETTINGS, HEADERS and CONTINUATION with HPACK, DATA, resets, PING, GOAWAY, window updates, on any streams. No
 * exception escapes any connection or stream pipeline and what the waypoint writes stays proportional to what it was
 * sent. See {@link EmbeddedWaypoint#exchange}.
 */
class Http2InboundFuzzTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The server preface and a GOAWAY. */
    private static final long FIXED_OUTPUT = 4096;
    /** A HEADERS frame of a few bytes (indexed fields) gets a local reply of a few hundred. */
    private static final long PER_INPUT_BYTE = 64;

    @FuzzTest(maxDuration = "10s")
    void frames(byte[] input) {
        EmbeddedWaypoint.exchange(PREFACE, input, FIXED_OUTPUT, PER_INPUT_BYTE);
    }
}
