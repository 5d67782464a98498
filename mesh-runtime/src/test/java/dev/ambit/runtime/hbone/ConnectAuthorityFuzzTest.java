package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The {@code :authority} of a CONNECT names where the tunnel connects: it must be an IP literal and a port in
 * 1-65535, never a name to resolve (an unresolved address would make the tunnel look the name up), and what is
 * accepted must format back to an authority that parses to the same address.
 */
class ConnectAuthorityFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] input) {
        Optional<InetSocketAddress> parsed = ConnectAuthority.parse(new String(input, StandardCharsets.UTF_8));
        if (parsed.isEmpty()) {
            return;
        }
        InetSocketAddress target = parsed.get();
        assertFalse(target.isUnresolved(), "a CONNECT target is never a name to resolve");
        assertTrue(target.getPort() >= 1 && target.getPort() <= 65_535);
        assertEquals(target, ConnectAuthority.parse(ConnectAuthority.format(target)).orElseThrow());
    }
}
