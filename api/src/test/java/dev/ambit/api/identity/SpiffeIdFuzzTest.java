package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * SPIFFE IDs come from peers' certificates, CSRs, config and BPF maps. Whatever the text, parsing either yields an
 * identity whose canonical form is exactly that text (so one identity has one spelling, and policy compares strings
 * safely), or refuses with an {@link InvalidSpiffeIdException}; nothing else escapes.
 */
class SpiffeIdFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] input) {
        String uri = new String(input, StandardCharsets.UTF_8);
        SpiffeId id;
        try {
            id = SpiffeId.parse(uri);
        } catch (InvalidSpiffeIdException refused) {
            return;
        }
        assertEquals(uri, id.uri(), "an accepted SPIFFE ID must be in canonical form");
        assertEquals(id, SpiffeId.parse(id.uri()));
        assertEquals(id, SpiffeId.of(id.trustDomain(), id.namespace(), id.serviceAccount()));
    }
}
