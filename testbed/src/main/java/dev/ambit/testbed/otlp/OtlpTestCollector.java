package dev.ambit.testbed.otlp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A small OTLP/HTTP trace receiver that keeps every span it gets, for tests and the local mesh (no Jaeger here).
 * {@code POST /v1/traces} takes an {@code ExportTraceServiceRequest} in protobuf, as the OpenTelemetry SDK's OTLP/HTTP
 * exporter sends it; {@code GET /spans} answers the spans kept so far as a JSON array, oldest first;
 * {@code DELETE /spans} forgets them.
 *
 * <p>Run alone: {@code java -cp ... dev.ambit.testbed.otlp.OtlpTestCollector [address] [port]}.
 */
public final class OtlpTestCollector implements AutoCloseable {

    public static final String TRACES_PATH = "/v1/traces";
    public static final String SPANS_PATH = "/spans";
    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final List<CollectedSpan> spans = new ArrayList<>();

    private OtlpTestCollector(HttpServer server) {
        this.server = server;
    }

    /** A collector on {@code address} (port 0 for any free one), serving on one thread. */
    public static OtlpTestCollector start(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        OtlpTestCollector collector = new OtlpTestCollector(server);
        server.createContext(TRACES_PATH, collector::traces);
        server.createContext(SPANS_PATH, collector::view);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "otlp-test-collector");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return collector;
    }

    public static OtlpTestCollector startOnLoopback() throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The OTLP/HTTP traces URL to give an exporter. */
    public String endpoint() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + TRACES_PATH;
    }

    /** The spans received so far, oldest first. */
    public synchronized List<CollectedSpan> spans() {
        return List.copyOf(spans);
    }

    /**
     * Waits until the spans received so far satisfy {@code condition} (checked on every export), and returns them.
     *
     * @throws TimeoutException with the spans received, when {@code timeout} passes first
     */
    public synchronized List<CollectedSpan> await(Predicate<List<CollectedSpan>> condition, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(spans)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("spans received: " + spans);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(spans);
    }

    /** Forgets the spans received so far. */
    public synchronized void clear() {
        spans.clear();
    }

    private void traces(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ExportTraceServiceRequest request;
            try (InputStream body = body(exchange)) {
                request = ExportTraceServiceRequest.parseFrom(body);
            } catch (IOException e) {
                byte[] reason = ("not an OTLP ExportTraceServiceRequest: " + e.getMessage())
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(400, reason.length);
                exchange.getResponseBody().write(reason);
                return;
            }
            received(request);
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    private static InputStream body(HttpExchange exchange) throws IOException {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(exchange.getRequestBody())
                : exchange.getRequestBody();
    }

    private synchronized void received(ExportTraceServiceRequest request) {
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String service = serviceName(resourceSpans.getResource());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    spans.add(collected(service, span));
                }
            }
        }
        notifyAll();
    }

    private static CollectedSpan collected(String service, Span span) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (KeyValue attribute : span.getAttributesList()) {
            attributes.put(attribute.getKey(), value(attribute.getValue()));
        }
        String kind = span.getKind().name().replaceFirst("^SPAN_KIND_", "");
        String status = span.getStatus().getCode().name().replaceFirst("^STATUS_CODE_", "");
        return new CollectedSpan(hex(span.getTraceId()), hex(span.getSpanId()), hex(span.getParentSpanId()),
                span.getName(), kind, service, Map.copyOf(attributes), status, span.getStartTimeUnixNano(),
                span.getEndTimeUnixNano());
    }

    private static String serviceName(Resource resource) {
        for (KeyValue attribute : resource.getAttributesList()) {
            if (attribute.getKey().equals("service.name")) {
                return attribute.getValue().getStringValue();
            }
        }
        return "";
    }

    private static Object value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> value.getIntValue();
            case DOUBLE_VALUE -> value.getDoubleValue();
            case BOOL_VALUE -> value.getBoolValue();
            case BYTES_VALUE -> hex(value.getBytesValue());
            default -> value.toString().trim();
        };
    }

    private static String hex(ByteString bytes) {
        return HEX.formatHex(bytes.toByteArray());
    }

    private void view(HttpExchange exchange) throws IOException {
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "GET" -> {
                    byte[] json = SpanJson.write(spans()).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, json.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(json);
                    }
                }
                case "DELETE" -> {
                    clear();
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> exchange.sendResponseHeaders(405, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Runs a collector until killed: {@code [address] [port]}, by default 127.0.0.1 and 4318. */
    public static void main(String[] args) throws Exception {
        InetAddress address = InetAddress.getByName(args.length > 0 ? args[0] : "127.0.0.1");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 4318;
        OtlpTestCollector collector = start(new InetSocketAddress(address, port));
        System.out.println("event=collector_started endpoint=" + collector.endpoint() + " spans="
                + "http://" + address.getHostAddress() + ":" + collector.port() + SPANS_PATH);
        Thread.currentThread().join();
    }

}
