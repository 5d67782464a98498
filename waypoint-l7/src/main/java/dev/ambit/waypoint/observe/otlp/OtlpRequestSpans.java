package dev.ambit.waypoint.observe.otlp;

import dev.ambit.waypoint.observe.AccessLogEntry;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.observe.RequestSpans;
import dev.ambit.waypoint.observe.TraceContext;
import dev.ambit.waypoint.upstream.UpstreamTarget;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * One request's spans in the SDK. Attribute names follow the OpenTelemetry HTTP semantic conventions where they have
 * a name for the thing; what is the mesh's own (route, cluster, response flags, retries) is under {@code ambit.}.
 */
final class OtlpRequestSpans implements RequestSpans {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("ambit.route.name");
    static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("ambit.upstream.cluster");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("ambit.upstream.endpoint");
    static final AttributeKey<Long> RETRIES = AttributeKey.longKey("ambit.retries");
    static final AttributeKey<String> RESPONSE_FLAGS = AttributeKey.stringKey("ambit.response_flags");
    static final AttributeKey<String> SOURCE_PRINCIPAL = AttributeKey.stringKey("ambit.source.principal");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("ambit.request_id");

    private final Tracer tracer;
    private HttpRequest request;
    private Span server;
    private Context serverContext;
    private String incomingParent = "";
    private int attempts;
    private Client current;

    OtlpRequestSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public TraceContext serverStarted(TraceContext incoming, HttpRequest request) {
        this.request = request;
        Context parent = Context.root();
        if (!incoming.parentSpanId().isEmpty()) {
            // The caller's span: its trace, its id, its sampling decision.
            parent = parent.with(Span.wrap(SpanContext.createFromRemoteParent(incoming.traceId(),
                    incoming.parentSpanId(), incoming.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                    TraceState.getDefault())));
            incomingParent = incoming.parentSpanId();
        }
        String method = request.method().name();
        server = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method).startSpan();
        serverContext = parent.with(server);
        SpanContext ids = server.getSpanContext();
        return new TraceContext(ids.getTraceId(), ids.getSpanId(), incomingParent, ids.isSampled());
    }

    @Override
    public ClientSpan clientStarted(UpstreamTarget endpoint, String cluster) {
        if (server == null) {
            return ClientSpan.OFF;
        }
        if (current != null) {
            current.end();
        }
        String method = request.method().name();
        SpanBuilder builder = tracer.spanBuilder(method).setParent(serverContext).setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, method)
                .setAttribute(SERVER_ADDRESS, endpoint.address().getAddress().getHostAddress())
                .setAttribute(SERVER_PORT, (long) endpoint.address().getPort())
                .setAttribute(URL_FULL, "http://" + cluster + request.uri())
                .setAttribute(CLUSTER, cluster);
        if (attempts > 0) {
            builder.setAttribute(RESEND_COUNT, (long) attempts);
        }
        attempts++;
        current = new Client(builder.startSpan());
        return current;
    }

    @Override
    public void end(AccessLogEntry entry) {
        if (server == null) {
            return;
        }
        if (current != null) {
            current.end();
        }
        Object path = entry.get(AccessLogField.PATH);
        if (path != null) {
            String target = path.toString();
            int query = target.indexOf('?');
            server.setAttribute(URL_PATH, query < 0 ? target : target.substring(0, query));
            if (query >= 0) {
                server.setAttribute(URL_QUERY, target.substring(query + 1));
            }
        }
        server.setAttribute(URL_SCHEME, "http");
        putString(entry, AccessLogField.AUTHORITY, SERVER_ADDRESS);
        putString(entry, AccessLogField.SOURCE_ADDRESS, CLIENT_ADDRESS);
        putString(entry, AccessLogField.USER_AGENT, USER_AGENT);
        putString(entry, AccessLogField.SOURCE_PRINCIPAL, SOURCE_PRINCIPAL);
        putString(entry, AccessLogField.REQUEST_ID, REQUEST_ID);
        putString(entry, AccessLogField.ROUTE, ROUTE);
        putString(entry, AccessLogField.UPSTREAM_SERVICE, CLUSTER);
        putString(entry, AccessLogField.UPSTREAM_HOST, ENDPOINT);
        Object protocol = entry.get(AccessLogField.PROTOCOL);
        if (protocol != null && protocol.toString().startsWith("HTTP/")) {
            server.setAttribute(PROTOCOL_VERSION, protocol.toString().substring("HTTP/".length()));
        }
        int status = entry.get(AccessLogField.RESPONSE_CODE) instanceof Integer code ? code : 0;
        if (status > 0) {
            server.setAttribute(STATUS, (long) status);
        }
        server.setAttribute(RETRIES, (long) Math.max(0, attempts - 1));
        Object flags = entry.get(AccessLogField.RESPONSE_FLAGS);
        if (flags != null && !"-".equals(flags)) {
            server.setAttribute(RESPONSE_FLAGS, flags.toString());
        }
        // A server span is an error for a 5xx, or when no response went out (the client left, a reset mid-body).
        if (status >= 500 || status == 0) {
            server.setAttribute(ERROR_TYPE, status > 0 ? Integer.toString(status)
                    : flags != null && !"-".equals(flags) ? flags.toString() : "_OTHER");
            server.setStatus(StatusCode.ERROR);
        }
        server.end();
    }

    private void putString(AccessLogEntry entry, AccessLogField field, AttributeKey<String> key) {
        Object value = entry.get(field);
        if (value != null) {
            server.setAttribute(key, value.toString());
        }
    }

    /** One attempt's CLIENT span. */
    private final class Client implements ClientSpan {

        private final Span span;
        private boolean ended;

        Client(Span span) {
            this.span = span;
        }

        @Override
        public void inject(HttpHeaders headers) {
            SpanContext ids = span.getSpanContext();
            new TraceContext(ids.getTraceId(), ids.getSpanId(), server.getSpanContext().getSpanId(), ids.isSampled())
                    .inject(headers);
        }

        @Override
        public void responded(int status) {
            span.setAttribute(STATUS, (long) status);
            // For a client span, 4xx is an error as well (the semantic conventions' rule).
            if (status >= 400) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        }

        @Override
        public void failed(String errorType) {
            if (!ended) {
                span.setAttribute(ERROR_TYPE, errorType);
                span.setStatus(StatusCode.ERROR);
            }
        }

        @Override
        public void end() {
            if (!ended) {
                ended = true;
                span.end();
            }
        }
    }
}
