package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.api.identity.WorkloadKeys;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a certificate for each identity with pods on this node: a fresh key and CSR per identity, signed by the CA,
 * renewed at half-life, retried with backoff when the CA fails. Each renewal builds new TLS contexts and swaps them
 * in; connections already established keep the contexts they were made with, so nothing is dropped.
 *
 * <p>All certificate work runs on one scheduler thread, never on an event loop: key generation and context building
 * take milliseconds.
 *
 * <p>A process that presents its certificate only to the controller (the node agent) holds it {@linkplain
 * #withoutTlsContexts without contexts}: it never makes or takes an HBONE connection, and building them cost it a
 * tenth of its start-up's CPU.
 */
public final class CertManager implements TlsContextSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertManager.class);

    static final Duration MIN_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(1);

    private final CertificateAuthorityClient ca;
    /** Null when the identities' certificates are held without HBONE contexts. */
    private final TlsContextFactory contexts;
    private final TrustBundle bundle;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("ambit-cert-manager", true));
    private final ConcurrentMap<SpiffeId, Holder> holders = new ConcurrentHashMap<>();
    private volatile Map<String, IdentityTls> byServerName = Map.of();

    public CertManager(CertificateAuthorityClient ca, TrustBundle bundle, TlsContextFactory contexts, Duration ttl,
            Clock clock) {
        this.ca = ca;
        this.bundle = bundle;
        this.contexts = contexts;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Certificates only, for presenting to the controller: no HBONE contexts are built, so {@link #serverContext}
     * and {@link #clientContext} have none to give.
     */
    public static CertManager withoutTlsContexts(CertificateAuthorityClient ca, TrustBundle bundle, Duration ttl,
            Clock clock) {
        return new CertManager(ca, bundle, null, ttl, clock);
    }

    /** Starts holding {@code identity}; completes with its first certificate. Adding twice is harmless. */
    public CompletableFuture<WorkloadCertificate> add(SpiffeId identity) {
        return holders.computeIfAbsent(identity, id -> {
            Holder holder = new Holder(id);
            submit(() -> request(holder));
            return holder;
        }).first;
    }

    /** Stops holding {@code identity}, e.g. when its last pod left the node; new handshakes for it fail. */
    public void remove(SpiffeId identity) {
        Holder holder = holders.remove(identity);
        if (holder != null) {
            holder.removed = true;
            submit(() -> {
                holder.cancel();
                reindex();
                log.info("event=identity_removed identity={}", identity);
            });
        }
    }

    /** Renews {@code identity} now, e.g. after a CA change; completes with the new certificate. */
    public CompletableFuture<WorkloadCertificate> rotate(SpiffeId identity) {
        Holder holder = holders.get(identity);
        if (holder == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(identity + " is not held"));
        }
        CompletableFuture<WorkloadCertificate> next = new CompletableFuture<>();
        submit(() -> {
            holder.waiters.add(next);
            holder.cancel();
            request(holder);
        });
        return next;
    }

    /**
     * The first certificate of a held {@code identity}, complete once it is in (and from then on); empty when the
     * identity is not held. Unlike {@link #add}, it never starts holding one.
     */
    public Optional<CompletableFuture<WorkloadCertificate>> firstCertificate(SpiffeId identity) {
        Holder holder = holders.get(identity);
        return holder == null ? Optional.empty() : Optional.of(holder.first);
    }

    public Optional<WorkloadCertificate> certificate(SpiffeId identity) {
        Holder holder = holders.get(identity);
        return holder == null || holder.current == null ? Optional.empty() : Optional.of(holder.current.certificate());
    }

    /** When each held identity's certificate expires; identities still waiting for their first are absent. */
    public Map<SpiffeId, Instant> expiries() {
        Map<SpiffeId, Instant> expiries = new HashMap<>();
        holders.forEach((identity, holder) -> {
            IdentityTls tls = holder.current;
            if (tls != null) {
                expiries.put(identity, tls.certificate().notAfter());
            }
        });
        return expiries;
    }

    /** The identities held, each with its current certificate; empty while its first is awaited. */
    public Map<SpiffeId, Optional<WorkloadCertificate>> held() {
        Map<SpiffeId, Optional<WorkloadCertificate>> held = new HashMap<>();
        holders.forEach((identity, holder) -> {
            IdentityTls tls = holder.current;
            held.put(identity, tls == null ? Optional.empty() : Optional.of(tls.certificate()));
        });
        return held;
    }

    /** When {@code identity} will next be renewed. */
    public Optional<Instant> nextRotation(SpiffeId identity) {
        Holder holder = holders.get(identity);
        return holder == null ? Optional.empty() : Optional.ofNullable(holder.nextRotation);
    }

    @Override
    public SslContext serverContext(String serverName) {
        IdentityTls tls = serverName == null ? null : byServerName.get(serverName);
        return tls == null ? null : tls.server();
    }

    @Override
    public SslContext clientContext(SpiffeId source) {
        Holder holder = holders.get(source);
        IdentityTls tls = holder == null ? null : holder.current;
        return tls == null ? null : tls.client();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private void request(Holder holder) {
        if (holder.removed) {
            return;
        }
        KeyPair keys = WorkloadKeys.generate();
        String csr = WorkloadKeys.certificateRequestPem(keys, holder.identity);
        Instant requestedAt = clock.instant();
        ca.sign(holder.identity, csr, ttl).whenComplete((chain, error) -> submit(() -> {
            if (error == null) {
                try {
                    install(holder, new WorkloadCertificate(holder.identity, keys.getPrivate(), chain), keys,
                            requestedAt);
                    return;
                } catch (RuntimeException e) {
                    retry(holder, e);
                    return;
                }
            }
            retry(holder, error);
        }));
    }

    private void install(Holder holder, WorkloadCertificate certificate, KeyPair keys, Instant requestedAt) {
        if (holder.removed) {
            return;
        }
        check(certificate, keys);
        Instant rotation = certificate.halfLife(requestedAt);
        if (!rotation.isAfter(clock.instant())) {
            throw new IllegalStateException("certificate " + certificate.serial() + " is already past half-life"
                    + " (not after " + certificate.notAfter() + "); is the CA's clock or the requested TTL wrong?");
        }
        holder.current = contexts == null ? new IdentityTls(certificate, null, null)
                : new IdentityTls(certificate, contexts.server(certificate), contexts.client(certificate));
        holder.failures = 0;
        reindex();
        holder.schedule(rotation, () -> request(holder));
        holder.first.complete(certificate);
        holder.waiters.forEach(waiter -> waiter.complete(certificate));
        holder.waiters.clear();
        log.info("event=certificate_installed identity={} serial={} not_after={} next_rotation={} provider={}",
                certificate.identity(), certificate.serial(), certificate.notAfter(), rotation,
                contexts == null ? "none" : contexts.provider());
    }

    /** The CA's answer is checked before use: the mesh's own chain, for our key and for the identity we asked. */
    private void check(WorkloadCertificate certificate, KeyPair keys) {
        SpiffeId issuedFor = bundle.verify(certificate.chain(), clock.instant());
        if (!issuedFor.equals(certificate.identity())) {
            throw new IllegalStateException("CA issued a certificate for " + issuedFor + " instead");
        }
        X509Certificate leaf = certificate.leaf();
        if (!leaf.getPublicKey().equals(keys.getPublic())) {
            throw new IllegalStateException("CA returned a certificate for another key");
        }
    }

    private void retry(Holder holder, Throwable error) {
        holder.failures++;
        long backoff = Math.min(MIN_RETRY.toMillis() << Math.min(holder.failures - 1, 16), MAX_RETRY.toMillis());
        Instant at = clock.instant().plusMillis(backoff);
        log.warn("event=certificate_request_failed identity={} attempt={} retry_in_ms={} reason=\"{}\"",
                holder.identity, holder.failures, backoff, error.getMessage());
        holder.schedule(at, () -> request(holder));
    }

    private void reindex() {
        Map<String, IdentityTls> index = new HashMap<>();
        holders.forEach((identity, holder) -> {
            if (holder.current != null) {
                index.put(ServerNames.of(identity), holder.current);
            }
        });
        byServerName = Map.copyOf(index);
    }

    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("event=cert_manager_closed task_dropped=true");
        }
    }

    private record IdentityTls(WorkloadCertificate certificate, SslContext server, SslContext client) {
    }

    /** One identity's state; written on the scheduler thread only, read anywhere. */
    private final class Holder {
        final SpiffeId identity;
        final CompletableFuture<WorkloadCertificate> first = new CompletableFuture<>();
        final List<CompletableFuture<WorkloadCertificate>> waiters = new ArrayList<>();
        volatile IdentityTls current;
        volatile Instant nextRotation;
        volatile boolean removed;
        int failures;
        ScheduledFuture<?> next;

        Holder(SpiffeId identity) {
            this.identity = identity;
        }

        void schedule(Instant at, Runnable task) {
            nextRotation = at;
            long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
            try {
                next = scheduler.schedule(task, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                log.debug("event=cert_manager_closed identity={}", identity);
            }
        }

        void cancel() {
            if (next != null) {
                next.cancel(false);
            }
        }
    }
}
