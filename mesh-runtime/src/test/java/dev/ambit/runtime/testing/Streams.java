package dev.ambit.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Random payloads written and read with their SHA-256, to compare what arrives with what was sent. */
public final class Streams {

    private static final int CHUNK = 64 * 1024;

    private Streams() {
    }

    /** Writes {@code size} pseudo-random bytes (seeded) and returns their digest. */
    public static byte[] writeRandom(OutputStream out, long size, long seed) throws IOException {
        MessageDigest digest = sha256();
        Random random = new Random(seed);
        byte[] chunk = new byte[CHUNK];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            digest.update(chunk, 0, n);
            left -= n;
        }
        out.flush();
        return digest.digest();
    }

    /** Reads to end of stream; returns the count and the digest. */
    public static Received readAll(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] chunk = new byte[CHUNK];
        long count = 0;
        for (int n; (n = in.read(chunk)) >= 0; ) {
            digest.update(chunk, 0, n);
            count += n;
        }
        return new Received(count, digest.digest());
    }

    public static byte[] readExactly(InputStream in, int length) {
        try {
            return in.readNBytes(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Received(long count, byte[] digest) {
    }
}
