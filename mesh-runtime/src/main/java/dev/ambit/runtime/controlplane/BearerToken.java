package dev.ambit.runtime.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The token a data-plane process presents to the CA, read from its file on every use: a projected ServiceAccount
 * token is rotated by the kubelet in place, and a stale copy in memory would start failing after an hour.
 */
public final class BearerToken implements Supplier<String> {

    private final Path file;

    public BearerToken(Path file) {
        this.file = file;
    }

    @Override
    public String get() {
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.isEmpty()) {
                throw new IllegalStateException("token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
    }
}
