package dev.ambit.control.ca;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** A signed leaf and the chain up to the root, leaf first. {@link #toString()} is safe to log. */
public record IssuedCertificate(SpiffeId identity, BigInteger serial, Instant notAfter, List<X509Certificate> chain) {

    public IssuedCertificate {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Each certificate as its own PEM string, leaf first, as the CA service returns them. */
    public List<String> chainPem() {
        return chain.stream().map(Pem::encode).toList();
    }

    @Override
    public String toString() {
        return "IssuedCertificate[identity=" + identity + ", serial=" + serial.toString(16) + ", notAfter=" + notAfter
                + "]";
    }
}
