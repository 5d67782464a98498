package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The TLS server name (SNI) an HBONE client sends for the identity it expects. A node tunnel holds one certificate
 * per identity on its node and picks the one asked for; the client's trust manager then checks that the presented
 * identity maps to the name it sent. A SPIFFE ID is not a host name, so it is hashed into one DNS label.
 */
public final class ServerNames {

    private static final String SUFFIX = ".id.ambit.internal";
    /** 128 bits of SHA-256: collision-free in practice, 32 hex digits, well inside a 63-character label. */
    private static final int HASH_BYTES = 16;

    private ServerNames() {
    }

    public static String of(SpiffeId identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.uri().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HASH_BYTES) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
