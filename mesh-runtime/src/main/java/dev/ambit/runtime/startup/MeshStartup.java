package dev.ambit.runtime.startup;

import dev.ambit.api.config.stream.ConfigStreamClient;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.controlplane.ControlPlane;
import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.tls.TlsContextFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a mesh process (node agent, node tunnel, waypoint) comes to have an identity and config, in this order: the
 * controller's channels; a certificate for its identity from the CA, awaited, since the config stream only takes a
 * client that presents one; then the config stream as that identity, subscribed to the kinds the process reads
 * ({@link ConfigSubscription}). What it opens is closed with the process's {@link ResourceStack}.
 *
 * <p>What a process binds between these steps (health, metrics, its listeners), and when it starts taking traffic,
 * stay its own: the node tunnel, for one, listens only once its config and certificates are in.
 */
public final class MeshStartup {

    /** How long a starting process waits for its certificate: the controller may be starting beside it. */
    public static final Duration IDENTITY_DEADLINE = Duration.ofSeconds(60);
    /** The lifetime a process asks of the CA for its own certificates; they are renewed at half of it. */
    public static final Duration CERTIFICATE_TTL = Duration.ofHours(24);

    private final ControlPlane controlPlane;
    private final ResourceStack opened;
    private final Clock clock;

    private MeshStartup(ControlPlane controlPlane, ResourceStack opened, Clock clock) {
        this.controlPlane = controlPlane;
        this.opened = opened;
        this.clock = clock;
    }

    /** Reads the trust bundle and opens the CA channel; what it opens is closed with {@code opened}. */
    public static MeshStartup connect(ControlPlaneSettings settings, ResourceStack opened, Clock clock) {
        return new MeshStartup(ControlPlane.open(settings, opened, clock), opened, clock);
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    /** {@code serviceAccount} of {@code namespace}, in this mesh's trust domain. */
    public SpiffeId identity(String namespace, String serviceAccount) {
        return controlPlane.identity(namespace, serviceAccount);
    }

    /** Certificates for the process's own identities, with the best TLS there is (BoringSSL when it loads). */
    public CertManager certificates() {
        return opened.push(new CertManager(controlPlane.certificateAuthority(), controlPlane.trustBundle(),
                new TlsContextFactory(controlPlane.trustBundle(), clock), CERTIFICATE_TTL, clock));
    }

    /**
     * Certificates for a process that presents them to the controller alone (its config stream), and never on HBONE:
     * no TLS contexts are built for them ({@link CertManager#withoutTlsContexts}).
     */
    public CertManager certificatesForController() {
        return opened.push(CertManager.withoutTlsContexts(controlPlane.certificateAuthority(),
                controlPlane.trustBundle(), CERTIFICATE_TTL, clock));
    }

    /**
     * Asks the CA for {@code identity} through {@code certificates} (the process's own, or those of what it runs)
     * and waits up to {@link #IDENTITY_DEADLINE}; throws one sentence when the CA does not issue it.
     */
    public ProcessIdentity awaitIdentity(SpiffeId identity, CertManager certificates) {
        try {
            certificates.add(identity).get(IDENTITY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the CA did not issue " + identity + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the CA did not issue " + identity + " within "
                    + IDENTITY_DEADLINE.toSeconds() + " s; is the controller reachable?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + identity, e);
        }
        return new ProcessIdentity(identity, certificates);
    }

    /**
     * Follows the controller's config stream as {@code identity} (mutual TLS; the certificate is read at each
     * handshake, so a renewal applies on reconnect), subscribed to {@code subscription}'s kinds. Started; closed
     * with the process.
     */
    public ConfigStreamClient followConfig(ProcessIdentity identity, ClientInfo client,
            ConfigSubscription subscription) {
        ConfigStreamClient stream = opened.push(new ConfigStreamClient(controlPlane.configChannel(identity::certificate),
                client, subscription.kinds(), subscription::apply));
        stream.start();
        return stream;
    }
}
