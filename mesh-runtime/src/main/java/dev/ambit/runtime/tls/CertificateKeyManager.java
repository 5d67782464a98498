package dev.ambit.runtime.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one {@link WorkloadCertificate}, as client or server, for the life of the TLS context built with it (a
 * rotation builds new contexts). It stands in for a key store: Netty would otherwise put the key into an in-memory
 * PKCS#12 store under an empty password, and the JDK protects a PKCS#12 key with 10,000 rounds of PBKDF2, once to
 * store it and once to read it back, for every context: 15-60 ms of CPU per certificate in a cold JVM, on a starting
 * process's path to ready (bench/RESULTS.md, "the TLS work a starting process did for nothing").
 */
final class CertificateKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "workload";

    private final WorkloadCertificate certificate;
    private final X509Certificate[] chain;
    /** Read once: a BoringSSL server asks for five key types at every handshake. */
    private final String keyAlgorithm;
    private final String signatureAlgorithm;

    CertificateKeyManager(WorkloadCertificate certificate) {
        this.certificate = certificate;
        this.chain = certificate.chain().toArray(new X509Certificate[0]);
        this.keyAlgorithm = certificate.key().getAlgorithm();
        this.signatureAlgorithm = certificate.leaf().getSigAlgName();
    }

    /**
     * Whether our certificate suits a key type as TLS stacks name them: {@code EC}, or {@code EC_EC} / {@code EC_RSA}
     * for an EC key certified by an EC / RSA signature (the JDK's SunX509 key manager reads them the same way).
     */
    boolean suits(String keyType) {
        if (keyType == null) {
            return false;
        }
        int underscore = keyType.indexOf('_');
        if (!keyAlgorithm.equals(underscore < 0 ? keyType : keyType.substring(0, underscore))) {
            return false;
        }
        return underscore < 0 || signatureAlgorithm.contains(keyType.substring(underscore + 1));
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                if (suits(keyType)) {
                    return ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return suits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return suits(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return suits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return suits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? certificate.key() : null;
    }
}
