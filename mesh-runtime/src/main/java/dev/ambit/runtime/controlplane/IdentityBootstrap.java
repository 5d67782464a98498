package dev.ambit.runtime.controlplane;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.tls.CertManager;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A data-plane process's first step: its own certificate, without which it cannot reach the config stream. */
public final class IdentityBootstrap {

    private IdentityBootstrap() {
    }

    /** Asks the CA for {@code identity} through {@code certificates} and waits; throws one sentence on failure. */
    public static void await(CertManager certificates, SpiffeId identity, Duration deadline) {
        try {
            certificates.add(identity).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the CA did not issue " + identity + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the CA did not issue " + identity + " within " + deadline.toSeconds()
                    + " s; is the controller reachable?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + identity, e);
        }
    }
}
