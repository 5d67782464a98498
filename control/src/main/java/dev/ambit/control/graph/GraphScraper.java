package dev.ambit.control.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ambit.api.mesh.PrometheusText;
import dev.ambit.api.mesh.PrometheusText.Sample;
import dev.ambit.control.model.ConfigSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes every tunnel and waypoint the model knows, once per interval on a thread of its own (never on an event
 * loop, never per page view), and keeps the graph built from the round, ready as JSON bytes for whoever asks. Each
 * endpoint gets a bounded time to connect and answer; one that does not is reported in the graph's
 * {@code scrapes} and the others still count.
 */
public final class GraphScraper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GraphScraper.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(3);
    /** The most a scrape answer may be: a node with many identities is well under this. */
    static final int MAX_ANSWER_BYTES = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Supplier<ConfigSnapshot> model;
    private final String rootNamespace;
    private final Function<ScrapeTarget, CompletableFuture<String>> fetch;
    private final Clock clock;
    /** The most one round waits for an endpoint, whatever the HTTP client's own timeouts do. */
    private final Duration deadline;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpThreads;
    /** When set, the figures come from this Prometheus instead of from the endpoints. */
    private PrometheusSource prometheus;
    private String prometheusError;
    private volatile byte[] graphJson;
    private Map<String, List<Sample>> previous = Map.of();
    private long previousNanos;

    private GraphScraper(Supplier<ConfigSnapshot> model, String rootNamespace,
            Function<ScrapeTarget, CompletableFuture<String>> fetch, ExecutorService httpThreads, Clock clock,
            Duration deadline) {
        this.model = model;
        this.deadline = deadline;
        this.rootNamespace = rootNamespace;
        this.fetch = fetch;
        this.httpThreads = httpThreads;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-graph-scraper");
            thread.setDaemon(true);
            return thread;
        });
        this.graphJson = json(new GraphBuilder(ConfigSnapshot.EMPTY, rootNamespace).build(List.of(), Map.of(), 0,
                clock.instant()));
    }

    /** Scrapes over HTTP every {@code interval}, starting now. */
    public static GraphScraper start(Supplier<ConfigSnapshot> model, String rootNamespace, Duration interval) {
        return start(model, rootNamespace, interval, Optional.empty());
    }

    /**
     * Every {@code interval}, starting now: queries {@code prometheus} if given (docs/graph.md, "Prometheus as the
     * source"), else scrapes the endpoints over HTTP.
     */
    public static GraphScraper start(Supplier<ConfigSnapshot> model, String rootNamespace, Duration interval,
            Optional<URI> prometheus) {
        ExecutorService httpThreads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "ambit-graph-http");
            thread.setDaemon(true);
            return thread;
        });
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).executor(httpThreads)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        GraphScraper scraper = new GraphScraper(model, rootNamespace, target -> client.sendAsync(
                HttpRequest.newBuilder(target.uri()).timeout(ANSWER_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    if (response.body().length() > MAX_ANSWER_BYTES) {
                        throw new IllegalStateException("answer larger than " + MAX_ANSWER_BYTES + " bytes");
                    }
                    return response.body();
                }), httpThreads, Clock.systemUTC(), CONNECT_TIMEOUT.plus(ANSWER_TIMEOUT));
        prometheus.ifPresent(url -> scraper.prometheus = PrometheusSource.over(client, url));
        scraper.scheduler.scheduleWithFixedDelay(scraper::scrapeSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return scraper;
    }

    /** For tests: scrapes only when {@link #scrapeNow()} is called, with {@code fetch} standing in for HTTP. */
    static GraphScraper manual(Supplier<ConfigSnapshot> model, String rootNamespace,
            Function<ScrapeTarget, CompletableFuture<String>> fetch, Clock clock, Duration deadline) {
        return new GraphScraper(model, rootNamespace, fetch, null, clock, deadline);
    }

    /** For tests: queries {@code prometheus} only when {@link #scrapeNow()} is called. */
    static GraphScraper manual(Supplier<ConfigSnapshot> model, String rootNamespace, PrometheusSource prometheus,
            Clock clock) {
        GraphScraper scraper = new GraphScraper(model, rootNamespace, target -> CompletableFuture.failedFuture(
                new IllegalStateException("reads Prometheus")), null, clock, Duration.ZERO);
        scraper.prometheus = prometheus;
        return scraper;
    }

    /** The latest graph as JSON (UTF-8): what {@code GET /graph/api/graph} answers. */
    public byte[] graphJson() {
        return graphJson;
    }

    private void scrapeSafely() {
        try {
            scrapeNow();
        } catch (RuntimeException e) {
            log.warn("event=graph_scrape_failed error=\"{}\"", e.toString());
        }
    }

    /** One round: every target at once, each within its timeouts; then the graph. On the scraper's thread. */
    synchronized MeshGraph scrapeNow() {
        ConfigSnapshot snapshot = model.get();
        if (prometheus != null) {
            return fromPrometheus(snapshot);
        }
        List<ScrapeTarget> targets = ScrapeTarget.of(snapshot);
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (ScrapeTarget target : targets) {
            answers.add(fetch.apply(target).orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<TargetScrape> scrapes = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ScrapeTarget target = targets.get(i);
            try {
                scrapes.add(TargetScrape.ok(target, PrometheusText.parse(answers.get(i).join())));
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                log.debug("event=graph_target_failed target={} url={} error=\"{}\"", target.name(), target.uri(),
                        cause.toString());
                scrapes.add(TargetScrape.failed(target, cause.toString()));
            }
        }
        long nanos = System.nanoTime();
        double elapsed = previous.isEmpty() ? 0 : (nanos - previousNanos) / 1e9;
        MeshGraph graph = new GraphBuilder(snapshot, rootNamespace).build(scrapes, previous, elapsed, clock.instant());
        Map<String, List<Sample>> kept = new HashMap<>();
        scrapes.stream().filter(TargetScrape::ok).forEach(s -> kept.put(s.target().uri().toString(), s.samples()));
        previous = kept;
        previousNanos = nanos;
        graphJson = json(graph);
        return graph;
    }

    private MeshGraph fromPrometheus(ConfigSnapshot snapshot) {
        PrometheusSource.Round round = prometheus.round(snapshot);
        String error = round.scrapes().stream().map(TargetScrape::error).filter(e -> e != null).findFirst()
                .orElse(null);
        // One line when Prometheus starts failing (or fails differently) and one when it answers again, not one a round.
        if (error != null && !error.equals(prometheusError)) {
            log.warn("event=graph_prometheus_failed url={} error=\"{}\"", prometheus.queryUri(), error);
        } else if (error == null && prometheusError != null) {
            log.info("event=graph_prometheus_answering url={}", prometheus.queryUri());
        }
        prometheusError = error;
        MeshGraph graph = new GraphBuilder(snapshot, rootNamespace).build(round.scrapes(), round.before(),
                round.elapsedSeconds(), clock.instant());
        graphJson = json(graph);
        return graph;
    }

    static byte[] json(MeshGraph graph) {
        try {
            return JSON.writeValueAsBytes(graph);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        if (httpThreads != null) {
            httpThreads.shutdownNow();
        }
    }
}
