package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import java.security.cert.CertificateException;

/** A server presented a valid mesh certificate, but for another identity than the client expects. */
public final class IdentityMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;

    IdentityMismatchException(SpiffeId presented, String expectedServerName) {
        super("server presented " + presented + ", which is not the identity this connection expects (server name "
                + expectedServerName + ")");
    }
}
