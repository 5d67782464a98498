package dev.ambit.api.identity;

/** A certificate or chain that must not be trusted; the message says why in words an operator can act on. */
public final class CertificateVerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CertificateVerificationException(String message) {
        super(message);
    }
}
