package dev.ambit.control.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-signed CA kept in a directory ({@code ca.crt}, {@code ca.key}): created on the controller's first start and
 * loaded on every later one, so that a restart keeps the trust root every workload certificate chains to. (A root
 * that changed on restart would leave tunnels holding certificates their peers no longer trust until the new
 * bundle reached all of them.) This is local mode's counterpart of the chart's CA Secret.
 */
public final class CaDirectory {

    private static final Logger log = LoggerFactory.getLogger(CaDirectory.class);
    static final String CERTIFICATE = "ca.crt";
    static final String KEY = "ca.key";

    private CaDirectory() {
    }

    public static MeshCa loadOrCreate(Path directory, String trustDomain, Duration maxLeafTtl) {
        Path certificate = directory.resolve(CERTIFICATE);
        Path key = directory.resolve(KEY);
        if (Files.exists(certificate) || Files.exists(key)) {
            return MeshCa.fromFiles(trustDomain, certificate, key, maxLeafTtl);
        }
        MeshCa ca = MeshCa.selfSigned(trustDomain, MeshCa.DEFAULT_ROOT_TTL, maxLeafTtl, Clock.systemUTC());
        try {
            Files.createDirectories(directory);
            // The key first and owner-only, each file complete or absent (written aside, then moved).
            write(key, ca.signingKeyPem(), true);
            write(certificate, ca.issuerChainPem(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the CA in " + directory + ": " + e.getMessage(), e);
        }
        log.info("event=ca_directory_created directory={}", directory);
        return ca;
    }

    private static void write(Path file, String pem, boolean secret) throws IOException {
        Path aside = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(aside);
        if (secret) {
            Files.createFile(aside, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(aside, pem, StandardCharsets.US_ASCII);
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
