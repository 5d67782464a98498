package dev.ambit.ztunnel.dns;

import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.ztunnel.config.TunnelConfig;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Answers one question: the mesh's names from the config, then the cache, then the upstream. Nothing here waits: an
 * upstream answer completes the returned future later, on the resolver's loop.
 */
final class DnsAnswerer {

    private final Supplier<TunnelConfig> config;
    private final MeshNames names;
    private final long meshTtlSeconds;
    private final AnswerCache cache;
    private final Forwarder upstream;
    private final DnsMetrics metrics;

    DnsAnswerer(Supplier<TunnelConfig> config, DnsProxySettings settings, AnswerCache cache, Forwarder upstream,
            DnsMetrics metrics) {
        this.config = config;
        this.names = new MeshNames(settings.clusterDomain());
        this.meshTtlSeconds = settings.meshTtl().toSeconds();
        this.cache = cache;
        this.upstream = upstream;
        this.metrics = metrics;
    }

    /** The answer to {@code question} from {@code client}; it always succeeds (SERVFAIL when nothing answered). */
    Future<Answer> answer(DnsQuestion question, InetAddress client, EventExecutor executor) {
        if (question.dnsClass() == DnsRecord.CLASS_IN) {
            MeshNames.Match match = names.match(config.get(), question.name(), client);
            if (match instanceof MeshNames.Service service) {
                return executor.newSucceededFuture(meshAnswer(question, service.service()));
            }
        }
        AnswerCache.Key key = AnswerCache.Key.of(question.name(), question.type(), question.dnsClass());
        Answer cached = cache.get(key).orElse(null);
        if (cached != null) {
            return executor.newSucceededFuture(cached);
        }
        Promise<Answer> answered = executor.newPromise();
        upstream.query(question, executor.newPromise()).addListener((Future<Answer> done) -> {
            if (done.isSuccess()) {
                cache.put(key, done.getNow());
                answered.setSuccess(done.getNow());
            } else {
                metrics.failed(done.cause() instanceof Upstream.UpstreamFailure failure ? failure.reason
                        : DnsMetrics.Failure.UPSTREAM_ERROR);
                answered.setSuccess(Answer.failed());
            }
        });
        return answered;
    }

    /**
     * The service's addresses of the asked family: its cluster IPs, or for a headless service its endpoints'. A
     * name with none of that family, or a type other than A and AAAA, is NOERROR with no records: the name exists.
     */
    private Answer meshAnswer(DnsQuestion question, MeshService service) {
        Class<? extends InetAddress> family = question.type() == DnsRecordType.A ? Inet4Address.class
                : question.type() == DnsRecordType.AAAA ? Inet6Address.class : null;
        if (family == null) {
            return new Answer(DnsResponseCode.NOERROR, List.of(), List.of(), Answer.Source.MESH);
        }
        Set<InetAddress> addresses = new LinkedHashSet<>(service.vips());
        if (addresses.isEmpty()) {
            service.endpoints().stream().map(Endpoint::address).forEach(addresses::add);
        }
        List<StoredRecord> records = addresses.stream()
                .filter(family::isInstance)
                .map(address -> StoredRecord.address(question.name(), address, meshTtlSeconds))
                .toList();
        return new Answer(DnsResponseCode.NOERROR, records, List.of(), Answer.Source.MESH);
    }
}
