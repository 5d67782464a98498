package dev.ambit.ztunnel.dns;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The DNS proxy's Prometheus metrics, in the tunnel's registry (docs/dns.md). */
public final class DnsMetrics {

    /** Why a query got no answer of its own: the metric label {@code reason}. */
    public enum Failure {
        /** A packet Netty's DNS codec could not decode, or not exactly one question; dropped. */
        MALFORMED("malformed"),
        /** A name longer than DNS allows (253 characters); answered FORMERR. */
        NAME_TOO_LONG("name_too_long"),
        /** The upstream did not answer in time; answered SERVFAIL. */
        UPSTREAM_TIMEOUT("upstream_timeout"),
        /** The upstream could not be asked or sent no usable answer; answered SERVFAIL. */
        UPSTREAM_ERROR("upstream_error"),
        /** Too many forwarded queries were waiting already; answered SERVFAIL at once. */
        OVERLOADED("overloaded"),
        /** Too many TCP clients were connected already ({@code maxTcpClients}); the new connection was reset. */
        TCP_CLIENTS_FULL("tcp_clients_full");

        final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    private static final double[] BUCKETS = {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10};

    private final Counter queries;
    private final Counter answers;
    private final Counter failures;
    private final Histogram duration;

    public DnsMetrics(PrometheusRegistry registry) {
        this.queries = Counter.builder().name("ambit_dns_queries")
                .help("DNS queries received by the proxy, by protocol (udp, tcp)")
                .labelNames("protocol").register(registry);
        this.answers = Counter.builder().name("ambit_dns_answers")
                .help("DNS answers sent, by source: mesh (the pushed config), cache or upstream")
                .labelNames("source").register(registry);
        this.failures = Counter.builder().name("ambit_dns_failures")
                .help("DNS queries without an answer of their own, by reason")
                .labelNames("reason").register(registry);
        this.duration = Histogram.builder().name("ambit_dns_request_duration_seconds")
                .help("From a query's arrival to its answer's write, by source")
                .classicOnly().classicUpperBounds(BUCKETS)
                .labelNames("source").register(registry);
    }

    void query(String protocol) {
        queries.labelValues(protocol).inc();
    }

    void answered(Answer.Source source, long nanos) {
        if (source != Answer.Source.PROXY) {
            answers.labelValues(source.label).inc();
        }
        duration.labelValues(source.label).observe(nanos / 1e9);
    }

    void failed(Failure reason) {
        failures.labelValues(reason.label).inc();
    }

    public long queries(String protocol) {
        return (long) queries.labelValues(protocol).get();
    }

    public long answers(String source) {
        return (long) answers.labelValues(source).get();
    }

    public long failures(Failure reason) {
        return (long) failures.labelValues(reason.label).get();
    }
}
