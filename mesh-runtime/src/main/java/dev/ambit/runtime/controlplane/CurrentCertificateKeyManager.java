package dev.ambit.runtime.controlplane;

import dev.ambit.runtime.tls.WorkloadCertificate;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents whatever certificate is current at each handshake, so a long-lived channel's reconnects after a
 * rotation use the new certificate without rebuilding the channel.
 */
final class CurrentCertificateKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "current";

    private final Supplier<Optional<WorkloadCertificate>> current;

    CurrentCertificateKeyManager(Supplier<Optional<WorkloadCertificate>> current) {
        this.current = current;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return current.get().isPresent() ? ALIAS : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return current.get().isPresent() ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.get().map(certificate -> certificate.chain().toArray(new X509Certificate[0])).orElse(null);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.get().map(WorkloadCertificate::key).orElse(null);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current.get().isPresent() ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
