package dev.ambit.control.ca;

import dev.ambit.api.identity.SpiffeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Local mode's node authentication: a file of {@code <token> <node-name> [<expiry, ISO-8601>]} lines ({@code #}
 * starts a comment). Tokens are held only as SHA-256 digests and looked up by digest, so neither memory dumps nor
 * lookup timing reveal them.
 */
public final class BootstrapTokens implements NodeAuthenticator {

    private static final int MIN_TOKEN_LENGTH = 16;

    private record Entry(String node, Optional<Instant> expiry) {
    }

    private final Map<String, Entry> byDigest;
    private final SpiffeId nodeAgentIdentity;
    private final Clock clock;

    private BootstrapTokens(Map<String, Entry> byDigest, SpiffeId nodeAgentIdentity, Clock clock) {
        this.byDigest = Map.copyOf(byDigest);
        this.nodeAgentIdentity = nodeAgentIdentity;
        this.clock = clock;
    }

    /** @throws IllegalArgumentException naming the file and line of a malformed entry */
    public static BootstrapTokens read(Path file, SpiffeId nodeAgentIdentity, Clock clock) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Entry> entries = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length < 2 || fields.length > 3) {
                throw new IllegalArgumentException(where + "expected '<token> <node-name> [<expiry>]'");
            }
            if (fields[0].length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(where + "token is shorter than " + MIN_TOKEN_LENGTH + " characters");
            }
            Optional<Instant> expiry;
            try {
                expiry = fields.length == 3 ? Optional.of(Instant.parse(fields[2])) : Optional.empty();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + "expiry '" + fields[2] + "' is not an ISO-8601 instant"
                        + " such as 2030-01-01T00:00:00Z");
            }
            if (entries.put(digest(fields[0]), new Entry(fields[1], expiry)) != null) {
                throw new IllegalArgumentException(where + "token is listed twice");
            }
        }
        return new BootstrapTokens(entries, nodeAgentIdentity, clock);
    }

    @Override
    public Caller authenticate(String token) throws AuthenticationException {
        Entry entry = byDigest.get(digest(token));
        if (entry == null) {
            throw new AuthenticationException("unknown bootstrap token");
        }
        if (entry.expiry().isPresent() && !clock.instant().isBefore(entry.expiry().get())) {
            throw new AuthenticationException("bootstrap token for node " + entry.node() + " expired at "
                    + entry.expiry().get());
        }
        return new Caller(entry.node(), nodeAgentIdentity, "bootstrap-token:" + entry.node());
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
