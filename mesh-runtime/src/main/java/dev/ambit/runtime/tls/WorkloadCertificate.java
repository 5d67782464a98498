package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A key and the certificate chain (leaf first) issued for it. {@link #toString()} never shows the key. */
public record WorkloadCertificate(SpiffeId identity, PrivateKey key, List<X509Certificate> chain) {

    public WorkloadCertificate {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** Half-way between {@code issuedAt} and expiry: late enough to be cheap, early enough to survive a CA outage. */
    public Instant halfLife(Instant issuedAt) {
        return issuedAt.plus(Duration.between(issuedAt, notAfter()).dividedBy(2));
    }

    public String serial() {
        return leaf().getSerialNumber().toString(16);
    }

    @Override
    public String toString() {
        return "WorkloadCertificate[identity=" + identity + ", serial=" + serial() + ", notAfter=" + notAfter() + "]";
    }
}
