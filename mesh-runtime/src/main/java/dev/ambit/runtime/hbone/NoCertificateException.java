package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;

/** The tunnel holds no certificate for the identity a connection would have to present. */
public final class NoCertificateException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public NoCertificateException(SpiffeId identity) {
        super("no certificate held for " + identity);
    }
}
