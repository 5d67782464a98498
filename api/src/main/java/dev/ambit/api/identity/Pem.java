package dev.ambit.api.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the PEM forms Ambit exchanges: certificate chains, private keys (PKCS#8, SEC1 EC, PKCS#1 RSA)
 * and PKCS#10 requests (RFC 7468). The JDK alone: the data-plane processes load no ASN.1 library for this.
 */
public final class Pem {

    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String PRIVATE_KEY = "PRIVATE KEY";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";
    private static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
    private static final String RSA_PRIVATE_KEY = "RSA PRIVATE KEY";
    /** The labels read as certificates: RFC 7468's, and the older one OpenSSL still accepts. */
    private static final Set<String> CERTIFICATE_LABELS = Set.of(CERTIFICATE, "X509 CERTIFICATE");
    private static final byte[] EC_PUBLIC_KEY = Der.oid("1.2.840.10045.2.1");
    private static final byte[] RSA_ENCRYPTION = Der.oid("1.2.840.113549.1.1.1");

    private Pem() {
    }

    /** One block: its label ("CERTIFICATE", "PRIVATE KEY", …) and its decoded content. */
    private record Block(String label, byte[] der) {
    }

    /** All certificates in {@code pem}, in order; at least one, and nothing that is not a certificate. */
    public static List<X509Certificate> certificates(String pem, String source) {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory = x509();
        for (Block block : blocks(pem, source)) {
            if (!CERTIFICATE_LABELS.contains(block.label())) {
                throw new PemException(source + ": expected only CERTIFICATE blocks, found " + block.label());
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException | RuntimeException e) {
                throw new PemException(source + ": certificate " + chain.size() + " cannot be decoded: "
                        + e.getMessage());
            }
        }
        return List.copyOf(chain);
    }

    /**
     * The single private key in {@code pem}: PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY",
     * unencrypted.
     */
    public static PrivateKey privateKey(String pem, String source) {
        List<Block> blocks = blocks(pem, source);
        if (blocks.size() != 1) {
            throw new PemException(source + ": expected exactly one private key block, found " + blocks.size()
                    + " blocks");
        }
        Block block = blocks.get(0);
        byte[] pkcs8 = switch (block.label()) {
            case PRIVATE_KEY -> block.der();
            case EC_PRIVATE_KEY -> pkcs8(Der.sequence(EC_PUBLIC_KEY, sec1Curve(block.der(), source)), block.der());
            case RSA_PRIVATE_KEY -> pkcs8(Der.sequence(RSA_ENCRYPTION, Der.nullValue()), block.der());
            default -> throw new PemException(source + ": expected a PRIVATE KEY block, found " + block.label());
        };
        try {
            return KeyFactory.getInstance(isEc(pkcs8) ? "EC" : "RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PemException(source + ": private key cannot be decoded: " + e.getMessage());
        }
    }

    /** The DER of the single {@code label} block in {@code pem}, e.g. a {@link #CERTIFICATE_REQUEST}. */
    public static byte[] single(String pem, String label, String source) {
        List<Block> blocks = blocks(pem, source);
        if (blocks.size() != 1 || !blocks.get(0).label().equals(label)) {
            throw new PemException(source + ": expected exactly one " + label + " block");
        }
        return blocks.get(0).der();
    }

    /** One block of {@code der} under {@code label}, base64 in lines of 64 characters. */
    public static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    public static String encode(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : chain) {
            out.append(encode(certificate));
        }
        return out.toString();
    }

    public static String encode(X509Certificate certificate) {
        try {
            return encode(CERTIFICATE, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** PKCS#8 "PRIVATE KEY", the form every reader takes (the JDK's own encoding, curve included). */
    public static String encodePrivateKey(PrivateKey key) {
        return encode(PRIVATE_KEY, key.getEncoded());
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new PemException(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** The blocks of {@code pem}, in order; text between blocks is ignored, as OpenSSL does. */
    private static List<Block> blocks(String pem, String source) {
        if (pem == null || pem.isBlank()) {
            throw new PemException(source + ": empty PEM");
        }
        List<Block> blocks = new ArrayList<>();
        String label = null;
        StringBuilder base64 = new StringBuilder();
        for (String raw : pem.split("\r?\n|\r")) {
            String line = raw.strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----") && line.length() > 16) {
                    label = line.substring(11, line.length() - 5);
                    base64.setLength(0);
                }
            } else if (line.equals("-----END " + label + "-----")) {
                blocks.add(new Block(label, decode(base64, label, source)));
                label = null;
            } else if (line.startsWith("-----")) {
                throw new PemException(source + ": corrupted PEM (" + label + " block ends with '" + line + "')");
            } else if (line.indexOf(':') >= 0) {
                // RFC 1421 headers: what OpenSSL writes above an encrypted key.
                throw new PemException(source + ": corrupted PEM (" + label + " block has headers; encrypted keys "
                        + "are not supported)");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new PemException(source + ": corrupted PEM (no END line for the " + label + " block)");
        }
        if (blocks.isEmpty()) {
            throw new PemException(source + ": no PEM block found");
        }
        return blocks;
    }

    private static byte[] decode(CharSequence base64, String label, String source) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new PemException(source + ": corrupted PEM (" + label + " block: " + e.getMessage() + ")");
        }
        if (der.length == 0) {
            throw new PemException(source + ": corrupted PEM (empty " + label + " block)");
        }
        return der;
    }

    /** PrivateKeyInfo (RFC 5208) around a key of {@code algorithm}. */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        return Der.sequence(Der.smallInteger(0), algorithm, Der.octetString(key));
    }

    /** The named curve of a SEC1 ECPrivateKey (RFC 5915: its [0] parameters), as a DER OID. */
    private static byte[] sec1Curve(byte[] sec1, String source) {
        try {
            for (Der.Element field : Der.read(sec1).get(0).children()) {
                if (field.tag() == 0xA0) {
                    Der.Element curve = field.children().get(0);
                    if (curve.tag() == Der.OBJECT_IDENTIFIER) {
                        return Der.tlv(Der.OBJECT_IDENTIFIER, curve.content());
                    }
                }
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new PemException(source + ": EC private key cannot be decoded: " + e.getMessage());
        }
        throw new PemException(source + ": EC private key does not name its curve");
    }

    private static boolean isEc(byte[] pkcs8) {
        try {
            List<Der.Element> info = Der.read(pkcs8).get(0).children();
            Der.Element algorithm = info.get(1).children().get(0);
            return Arrays.equals(Der.tlv(algorithm.tag(), algorithm.content()), EC_PUBLIC_KEY);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return false; // not PKCS#8 at all: the key factory says so
        }
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
        }
    }
}
