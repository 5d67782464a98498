package dev.ambit.control.ca;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.WorkloadKeys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An intermediate CA signed by a test root, standing in for the user-supplied intermediate a platform team brings.
 * MeshCa deliberately cannot mint CA certificates, so the test builds one by hand.
 */
record TestIntermediate(X509Certificate certificate, X509Certificate root, PrivateKey key) {

    static TestIntermediate under(MeshCa rootCa, String commonName) {
        try {
            X509Certificate root = rootCa.trustBundle().roots().get(0);
            PrivateKey rootKey = rootKeyOf(rootCa);
            KeyPair keys = WorkloadKeys.generate();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))),
                    new X500Name("O=cluster.local,CN=" + commonName), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey)));
            return new TestIntermediate(cert, root, keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String chainPem() {
        return Pem.encode(java.util.List.of(certificate, root));
    }

    String keyPem() {
        return Pem.encodePrivateKey(key);
    }

    private static PrivateKey rootKeyOf(MeshCa ca) throws ReflectiveOperationException {
        var field = MeshCa.class.getDeclaredField("signingKey");
        field.setAccessible(true);
        return (PrivateKey) field.get(ca);
    }
}
