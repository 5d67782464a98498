package dev.ambit.nodeagent.redirect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The records the agent reads back from pinned BPF maps: a restarted (or newer, or older) agent finds what an
 * earlier one, or the kernel side, left there. A map value is always the map's value size, but its content is
 * whatever was written: an enrolled pod either decodes into a valid pod that encodes back to the same bytes, or
 * is refused with an {@link IllegalArgumentException} saying why; never an out-of-bounds read or an allocation sized
 * by a field of the record. Endpoints and the config record decode from any bytes of their size.
 */
class BpfRecordFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        long cgroupId = data.consumeLong();
        byte[] endpoint = data.consumeBytes(Endpoints.SIZE);
        byte[] config = data.consumeBytes(2 * Endpoints.SIZE + Integer.BYTES);
        byte[] pod = Arrays.copyOf(data.consumeRemainingAsBytes(), EnrolledPod.SIZE);

        if (endpoint.length == Endpoints.SIZE) {
            InetSocketAddress address = Endpoints.decode(endpoint);
            assertEquals(address, Endpoints.decode(Endpoints.encode(address)));
        }
        if (config.length == 2 * Endpoints.SIZE + Integer.BYTES) {
            RedirectorConfig.socketFastPathIn(config);
        }
        EnrolledPod decoded;
        try {
            decoded = EnrolledPod.decode(cgroupId, pod);
        } catch (IllegalArgumentException refused) {
            assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal says why");
            return;
        }
        assertEquals(cgroupId, decoded.cgroupId());
        assertEquals(decoded, EnrolledPod.decode(cgroupId, decoded.encodeValue()));
        byte[] canonical = decoded.encodeValue();
        assertArrayEquals(canonical, EnrolledPod.decode(cgroupId, canonical).encodeValue());
    }
}
