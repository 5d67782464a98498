package dev.ambit.control.ca;

/** A certificate request the CA refuses to sign; the message says why and is safe to return to the caller. */
public final class CertificateRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CertificateRequestException(String message) {
        super(message);
    }
}
