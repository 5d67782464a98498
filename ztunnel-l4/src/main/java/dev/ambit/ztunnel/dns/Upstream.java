package dev.ambit.ztunnel.dns;

import dev.ambit.runtime.transport.Transport;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's resolver, asked one question at a time by Netty's resolver (query ids, the deadline, the TCP retry of
 * a truncated answer). At most {@code maxInFlight} questions wait for it at once: past that the proxy answers
 * SERVFAIL at once, so a flood costs a bounded number of pending queries and sockets, never a blocked loop.
 */
final class Upstream implements Forwarder, AutoCloseable {

    /** Why the upstream gave no answer. */
    static final class UpstreamFailure extends Exception {
        final DnsMetrics.Failure reason;

        UpstreamFailure(DnsMetrics.Failure reason, Throwable cause) {
            super(reason.label, cause, false, false);
            this.reason = reason;
        }
    }

    private final DnsNameResolver resolver;
    private final InetSocketAddress server;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    Upstream(EventLoop loop, Transport transport, DnsProxySettings settings) {
        this.server = settings.upstream();
        this.maxInFlight = settings.maxInFlight();
        this.resolver = new DnsNameResolverBuilder(loop)
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.socketChannel(), false)
                .queryTimeoutMillis(settings.upstreamTimeout().toMillis())
                .nameServerProvider(new SingletonDnsServerAddressStreamProvider(server))
                // The proxy keeps whole answers in its own cache; the resolver's caches are for its resolve().
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .recursionDesired(true)
                .build();
    }

    /** Asks the upstream {@code question}; {@code answered} fails with an {@link UpstreamFailure}. */
    @Override
    public Future<Answer> query(DnsQuestion question, Promise<Answer> answered) {
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            return answered.setFailure(new UpstreamFailure(DnsMetrics.Failure.OVERLOADED, null));
        }
        resolver.query(server, question).addListener(
                (Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> done) -> {
                    inFlight.decrementAndGet();
                    if (!done.isSuccess()) {
                        answered.tryFailure(new UpstreamFailure(done.cause() instanceof DnsNameResolverTimeoutException
                                ? DnsMetrics.Failure.UPSTREAM_TIMEOUT : DnsMetrics.Failure.UPSTREAM_ERROR,
                                done.cause()));
                        return;
                    }
                    AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = done.getNow();
                    try {
                        DnsResponse response = envelope.content();
                        answered.trySuccess(new Answer(response.code(), copy(response, DnsSection.ANSWER),
                                copy(response, DnsSection.AUTHORITY), Answer.Source.UPSTREAM));
                    } catch (RuntimeException e) {
                        answered.tryFailure(new UpstreamFailure(DnsMetrics.Failure.UPSTREAM_ERROR, e));
                    } finally {
                        envelope.release();
                    }
                });
        return answered;
    }

    /** Forwarded queries waiting for the upstream now. */
    int inFlight() {
        return inFlight.get();
    }

    private static List<StoredRecord> copy(DnsResponse response, DnsSection section) {
        int count = response.count(section);
        List<StoredRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StoredRecord.copyOf(response.recordAt(section, i)).ifPresent(records::add);
        }
        return records;
    }

    @Override
    public void close() {
        resolver.close();
    }
}
