package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LeakDetectorExtension.class)
class CertManagerTest {

    private static final SpiffeId ECHO = TestCa.identity("demo", "echo");
    private static final Duration TTL = Duration.ofHours(2);

    private final TestCa ca = new TestCa();

    @Test
    void holdsACertificatePerIdentityAndRenewsItAtHalfLife() throws Exception {
        try (CertManager manager = manager(ca.client())) {
            Instant requested = Instant.now();
            WorkloadCertificate certificate = manager.add(ECHO).get(10, TimeUnit.SECONDS);
            assertEquals(ECHO, certificate.identity());
            Instant rotation = manager.nextRotation(ECHO).orElseThrow();
            Instant halfLife = requested.plus(TTL.dividedBy(2));
            assertTrue(Duration.between(halfLife, rotation).abs().compareTo(Duration.ofMinutes(1)) < 0,
                    "rotation at " + rotation + ", half-life " + halfLife);
            assertNotNull(manager.serverContext(ServerNames.of(ECHO)));
            assertNotNull(manager.clientContext(ECHO));
            assertNull(manager.serverContext(ServerNames.of(TestCa.identity("demo", "other"))));
            assertEquals(certificate.notAfter(), manager.expiries().get(ECHO));
        }
    }

    @Test
    void rotationSwapsTheContextsForNewConnections() throws Exception {
        try (CertManager manager = manager(ca.client())) {
            WorkloadCertificate first = manager.add(ECHO).get(10, TimeUnit.SECONDS);
            var server = manager.serverContext(ServerNames.of(ECHO));
            WorkloadCertificate second = manager.rotate(ECHO).get(10, TimeUnit.SECONDS);
            assertFalse(first.serial().equals(second.serial()));
            assertNotSame(server, manager.serverContext(ServerNames.of(ECHO)));
        }
    }

    @Test
    void retriesWhenTheCaFails() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CertificateAuthorityClient flaky = (identity, csr, ttl) -> calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("CA unavailable"))
                : ca.client().sign(identity, csr, ttl);
        try (CertManager manager = manager(flaky)) {
            assertEquals(ECHO, manager.add(ECHO).get(10, TimeUnit.SECONDS).identity());
            assertEquals(2, calls.get());
        }
    }

    @Test
    void refusesACertificateForAnotherIdentity() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CertificateAuthorityClient confused = (identity, csr, ttl) -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(ca.issue(TestCa.identity("demo", "other"), ttl).chain());
        };
        try (CertManager manager = manager(confused)) {
            CompletableFuture<WorkloadCertificate> first = manager.add(ECHO);
            // The second request is sent only once the first answer has been checked and refused: by then a
            // certificate that had been taken would be installed.
            Waits.until("a second request, after the first answer", Duration.ofSeconds(10), () -> calls.get() >= 2);
            assertFalse(first.isDone());
            assertNull(manager.clientContext(ECHO));
            assertTrue(manager.expiries().isEmpty());
        }
    }

    @Test
    void removedIdentityIsNoLongerServed() throws Exception {
        try (CertManager manager = manager(ca.client())) {
            manager.add(ECHO).get(10, TimeUnit.SECONDS);
            manager.remove(ECHO);
            Waits.until("identity removed", Duration.ofSeconds(5),
                    () -> manager.serverContext(ServerNames.of(ECHO)) == null);
            assertNull(manager.clientContext(ECHO));
            assertTrue(manager.expiries().isEmpty());
        }
    }

    @Test
    void withoutTlsContextsHoldsAndRenewsTheCertificateButBuildsNoContexts() throws Exception {
        try (CertManager manager = CertManager.withoutTlsContexts(ca.client(), ca.trustBundle(), TTL,
                Clock.systemUTC())) {
            WorkloadCertificate first = manager.add(ECHO).get(10, TimeUnit.SECONDS);
            assertEquals(first, manager.certificate(ECHO).orElseThrow());
            assertTrue(manager.nextRotation(ECHO).isPresent());
            assertNull(manager.serverContext(ServerNames.of(ECHO)));
            assertNull(manager.clientContext(ECHO));
            WorkloadCertificate second = manager.rotate(ECHO).get(10, TimeUnit.SECONDS);
            assertEquals(second, manager.certificate(ECHO).orElseThrow());
        }
    }

    private CertManager manager(CertificateAuthorityClient client) {
        return new CertManager(client, ca.trustBundle(), new TlsContextFactory(ca.trustBundle(), Clock.systemUTC()),
                TTL, Clock.systemUTC());
    }
}
