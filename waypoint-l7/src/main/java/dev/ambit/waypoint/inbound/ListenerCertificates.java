package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.Pem;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of the HTTPS listeners on one port of an ingress gateway, picked by the client's SNI name: each
 * listener's hostname (exact or {@code *.} wildcard) maps to the certificate of its first Secret ({@code tls.crt},
 * {@code tls.key} in the directory the Secret is mounted at); a client without SNI, or with a name no listener has,
 * gets the listener without hostname's, else the first listener's. TLS 1.3 only, ALPN h2 and http/1.1.
 * {@link #reload} re-reads the files (the kubelet swaps a Secret volume's files when the Secret changes) and swaps
 * the mapping when they changed: new connections get the new certificates, open ones keep theirs.
 */
public final class ListenerCertificates implements Mapping<String, SslContext> {

    private static final Logger log = LoggerFactory.getLogger(ListenerCertificates.class);

    /** One listener: its hostname (empty for any) and the directory of its certificate. */
    public record Entry(String listener, Optional<String> hostname, Path directory) {
    }

    /** The PEM files of one certificate, as read. */
    private record Pems(String certificate, String key) {
    }

    private final List<Entry> entries;
    private volatile List<Pems> loaded = List.of();
    private volatile Mapping<String, SslContext> mapping;

    /** Loads every certificate now: a listener whose files are missing or invalid fails the start, naming them. */
    public ListenerCertificates(List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("an HTTPS port needs at least one listener");
        }
        this.entries = List.copyOf(entries);
        reload();
    }

    /**
     * Re-reads the certificate files; returns whether they changed. A file that cannot be read or parsed (a Secret
     * removed, or caught mid-swap) keeps the last good certificates, and never throws once they are loaded: this
     * runs on a schedule, which one exception would end for good.
     */
    public synchronized boolean reload() {
        try {
            List<Pems> contents = new ArrayList<>();
            for (Entry entry : entries) {
                contents.add(new Pems(read(entry.directory().resolve("tls.crt")),
                        read(entry.directory().resolve("tls.key"))));
            }
            if (contents.equals(loaded)) {
                return false;
            }
            Entry fallback = entries.stream().filter(entry -> entry.hostname().isEmpty()).findFirst()
                    .orElse(entries.get(0));
            DomainWildcardMappingBuilder<SslContext> builder = new DomainWildcardMappingBuilder<>(
                    context(fallback, contents.get(entries.indexOf(fallback))));
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                if (entry.hostname().isPresent()) {
                    builder.add(entry.hostname().get(), context(entry, contents.get(i)));
                }
            }
            mapping = builder.build();
            loaded = List.copyOf(contents);
            log.info("event=listener_certificates_loaded listeners={}", entries.stream().map(Entry::listener).toList());
            return true;
        } catch (RuntimeException | SSLException e) {
            if (mapping == null) {
                throw new IllegalStateException("cannot load the listener certificates: " + e.getMessage(), e);
            }
            log.warn("event=listener_certificates_invalid error=\"{}\" action=kept_previous", e.getMessage());
            return false;
        }
    }

    @Override
    public SslContext map(String serverName) {
        return mapping.map(serverName);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static SslContext context(Entry entry, Pems pems) throws SSLException {
        String source = entry.directory().toString();
        return SslContextBuilder.forServer(Pem.privateKey(pems.key(), source + "/tls.key"),
                        Pem.certificates(pems.certificate(), source + "/tls.crt"))
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols("TLSv1.3")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }
}
