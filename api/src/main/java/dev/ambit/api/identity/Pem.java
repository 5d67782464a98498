package dev.ambit.api.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;

/** Reads and writes the PEM forms Ambit exchanges: certificate chains, PKCS#8/SEC1 private keys and PKCS#10 requests. */
public final class Pem {

    private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
    private static final ASN1ObjectIdentifier EC_PUBLIC_KEY = X9ObjectIdentifiers.id_ecPublicKey;

    private Pem() {
    }

    /** All certificates in {@code pem}, in order; at least one, and nothing that is not a certificate. */
    public static List<X509Certificate> certificates(String pem, String source) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Object object : objects(pem, source)) {
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new PemException(source + ": expected only CERTIFICATE blocks, found " + describe(object));
            }
            try {
                chain.add(CERTIFICATES.getCertificate(holder));
            } catch (CertificateException e) {
                throw new PemException(source + ": certificate " + chain.size() + " cannot be decoded: " + e.getMessage());
            }
        }
        if (chain.isEmpty()) {
            throw new PemException(source + ": no CERTIFICATE block found");
        }
        return List.copyOf(chain);
    }

    /** The single private key in {@code pem} (PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY"). */
    public static PrivateKey privateKey(String pem, String source) {
        List<Object> objects = objects(pem, source);
        if (objects.size() != 1) {
            throw new PemException(source + ": expected exactly one private key block, found " + objects.size() + " blocks");
        }
        Object object = objects.get(0);
        PrivateKeyInfo info;
        if (object instanceof PrivateKeyInfo pkcs8) {
            info = pkcs8;
        } else if (object instanceof PEMKeyPair sec1) {
            info = sec1.getPrivateKeyInfo();
        } else {
            throw new PemException(source + ": expected a PRIVATE KEY block, found " + describe(object));
        }
        try {
            // Decoded by the JDK's own providers: BouncyCastle's converter drops the EC curve on the way to SunEC.
            String algorithm = EC_PUBLIC_KEY.equals(info.getPrivateKeyAlgorithm().getAlgorithm()) ? "EC" : "RSA";
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new PemException(source + ": private key cannot be decoded: " + e.getMessage());
        }
    }

    /** The single PKCS#10 certificate request in {@code pem}. Its signature is not checked here. */
    public static PKCS10CertificationRequest certificateRequest(String pem, String source) {
        List<Object> objects = objects(pem, source);
        if (objects.size() != 1 || !(objects.get(0) instanceof PKCS10CertificationRequest request)) {
            throw new PemException(source + ": expected exactly one CERTIFICATE REQUEST block");
        }
        return request;
    }

    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * PKCS#8 "PRIVATE KEY". Written by hand because BouncyCastle would re-encode a JDK EC key as SEC1 without its
     * curve, which nothing can read back.
     */
    public static String encodePrivateKey(PrivateKey key) {
        return encode(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    public static String encode(List<X509Certificate> chain) {
        return encode(chain.toArray());
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new PemException(file + ": cannot be read: " + e.getMessage());
        }
    }

    private static List<Object> objects(String pem, String source) {
        if (pem == null || pem.isBlank()) {
            throw new PemException(source + ": empty PEM");
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports bad base64 and truncated DER as a mix of IOException and runtime exceptions.
            throw new PemException(source + ": corrupted PEM (" + e.getMessage() + ")");
        }
        if (objects.isEmpty()) {
            throw new PemException(source + ": no PEM block found");
        }
        return objects;
    }

    private static String describe(Object object) {
        return object.getClass().getSimpleName();
    }
}
