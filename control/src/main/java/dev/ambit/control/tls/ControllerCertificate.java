package dev.ambit.control.tls;

import dev.ambit.control.ca.IssuedCertificate;
import dev.ambit.control.ca.MeshCa;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import io.grpc.util.AdvancedTlsX509KeyManager;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's own serving certificate, signed by its own CA and rotated at half-life. New handshakes pick up
 * the new certificate through the swappable key manager; open streams keep theirs.
 */
public final class ControllerCertificate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControllerCertificate.class);
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final MeshCa ca;
    private final SpiffeId identity;
    private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
    private final ScheduledExecutorService rotation = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-controller-cert-rotation");
        thread.setDaemon(true);
        return thread;
    });

    public ControllerCertificate(MeshCa ca, SpiffeId identity) {
        this.ca = ca;
        this.identity = identity;
        rotate();
    }

    public AdvancedTlsX509KeyManager keyManager() {
        return keyManager;
    }

    private void rotate() {
        Duration next;
        try {
            KeyPair keys = WorkloadKeys.generate();
            IssuedCertificate issued = ca.issue(WorkloadKeys.certificateRequestPem(keys, identity), identity, null);
            keyManager.updateIdentityCredentials(issued.chain().toArray(new X509Certificate[0]), keys.getPrivate());
            Duration lifetime = Duration.between(Instant.now(), issued.notAfter());
            next = lifetime.dividedBy(2);
            log.info("event=controller_certificate_issued identity={} serial={} not_after={}", identity,
                    issued.serial().toString(16), issued.notAfter());
        } catch (RuntimeException e) {
            log.error("event=controller_certificate_failed identity={} retry_in={}", identity, RETRY, e);
            next = RETRY;
        }
        rotation.schedule(this::rotate, next.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        rotation.shutdownNow();
    }
}
