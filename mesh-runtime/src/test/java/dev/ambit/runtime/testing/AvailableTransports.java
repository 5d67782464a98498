package dev.ambit.runtime.testing;

import dev.ambit.runtime.transport.Transport;
import java.util.Locale;
import java.util.Optional;

/**
 * The transports a test names, as the tunnel would run them. One named transport the machine lacks skips the test
 * with the reason, except under {@code CI=true}, where it fails it ({@link MissingCapability}): the documentation
 * cites these tests as proof that each transport works. See {@link RequiresIoUring}.
 */
public final class AvailableTransports {

    private AvailableTransports() {
    }

    /**
     * {@code kind}, as a tunnel with ({@code socketFastPath}) or without the socket fast path runs it; skips the
     * calling test where it is unavailable, and fails it there under {@code CI=true}.
     */
    public static Transport require(Transport.Kind kind, boolean socketFastPath) {
        missing(kind, socketFastPath).ifPresent(MissingCapability::skipOrFail);
        return socketFastPath ? Transport.forSocketFastPath(kind) : Transport.of(kind);
    }

    /** Why {@code kind} cannot run here as asked, or empty when it can. */
    static Optional<String> missing(Transport.Kind kind, boolean socketFastPath) {
        boolean available = socketFastPath
                ? Transport.isAvailableForSocketFastPath(kind)
                : Transport.isAvailable(kind);
        return available ? Optional.empty() : Optional.of("needs " + kind.name().toLowerCase(Locale.ROOT)
                + (socketFastPath ? " as the socket fast path runs it (with a buffer ring, Linux 5.19+)" : "")
                + ", unavailable here");
    }
}
