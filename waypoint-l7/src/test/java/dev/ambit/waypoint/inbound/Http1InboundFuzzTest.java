package dev.ambit.waypoint.inbound;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Bytes from a client into the waypoint's inbound pipeline as HTTP/1.x (anything not starting with the HTTP/2
 * preface): request line, headers, chunked and fixed bodies, pipelining, {@code Expect}, upgrades, smuggling
 * attempts. Whatever arrives, no exception escapes and the answers stay proportional to the input (one local reply
 * per request at most; none of them buffers the request). See {@link EmbeddedWaypoint#exchange}.
 */
class Http1InboundFuzzTest {

    /** One local reply (status line, a few headers, a one-line body) per request; a request takes 16 bytes at least. */
    private static final long FIXED_OUTPUT = 2048;
    private static final long PER_INPUT_BYTE = 64;

    @FuzzTest(maxDuration = "10s")
    void requests(byte[] input) {
        EmbeddedWaypoint.exchange(new byte[0], input, FIXED_OUTPUT, PER_INPUT_BYTE);
    }
}
