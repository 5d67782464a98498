package dev.ambit.control.graph;

import dev.ambit.api.mesh.PrometheusText;
import dev.ambit.api.mesh.PrometheusText.Sample;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.graph.MeshGraph.Edge;
import dev.ambit.control.graph.MeshGraph.MeshNode;
import dev.ambit.control.graph.MeshGraph.Node;
import dev.ambit.control.graph.MeshGraph.ScrapeStatus;
import dev.ambit.control.model.ConfigSnapshot;
import io.netty.util.NetUtil;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the {@link MeshGraph} of one scrape round from the config snapshot (who exists, who is in the mesh, which
 * policies select whom) and the samples of the tunnels and waypoints; the previous round's samples give the rates.
 *
 * <p>A tunnelled connection is counted twice, by the source's tunnel (outbound) and the destination's (inbound). The
 * destination's count wins: its source principal is what the client's certificate proved. The source's count stands
 * in where no destination tunnel reports (a waypoint, a destination outside the mesh).
 */
public final class GraphBuilder {

    static final String UNKNOWN = "unknown";
    /** The refusal reason of plaintext SYNs a STRICT pod's kernel dropped ({@code ambit_bpf_strict_drops_total}). */
    static final String PLAINTEXT_DROPPED = "plaintext_dropped";

    private final MeshDirectory directory;

    public GraphBuilder(ConfigSnapshot snapshot, String rootNamespace) {
        this.directory = new MeshDirectory(snapshot, rootNamespace);
    }

    /**
     * @param previous the samples of the round before, by target URI; empty for the first round
     * @param elapsedSeconds seconds since that round; rates are absent when it is not positive
     */
    public MeshGraph build(List<TargetScrape> scrapes, Map<String, List<Sample>> previous, double elapsedSeconds,
            Instant now) {
        Map<String, Counts> current = countEdges(scrapes, target -> target.samples());
        Map<String, Counts> before = elapsedSeconds > 0 && !previous.isEmpty()
                ? countEdges(scrapes, target -> previous.getOrDefault(target.target().uri().toString(), List.of()))
                : Map.of();
        boolean rates = elapsedSeconds > 0 && !previous.isEmpty();

        Map<String, Double> expiries = certificateExpiries(scrapes);
        Map<String, Node> nodes = new LinkedHashMap<>();
        directory.groups().forEach((group, workloads) -> nodes.put(group, groupNode(group, workloads, expiries)));
        List<Edge> edges = new ArrayList<>();
        for (Counts counts : current.values()) {
            for (String end : List.of(counts.source, counts.target)) {
                nodes.computeIfAbsent(end, GraphBuilder::nodeOutsideTheModel);
            }
            edges.add(counts.edge(rates ? before.get(counts.id()) : null, rates, elapsedSeconds));
        }
        edges.sort((a, b) -> a.id().compareTo(b.id()));
        List<ScrapeStatus> statuses = scrapes.stream().map(s -> new ScrapeStatus(
                s.target().kind().name().toLowerCase(java.util.Locale.ROOT), s.target().name(),
                s.target().uri().toString(), s.ok(), s.error())).toList();
        return new MeshGraph(now.toString(), Math.max(0, elapsedSeconds), statuses, List.copyOf(nodes.values()),
                edges, meshNodes(scrapes));
    }

    private Node groupNode(String group, List<Workload> workloads, Map<String, Double> expiries) {
        Set<String> services = new TreeSet<>();
        List<MeshGraph.Workload> details = new ArrayList<>();
        for (Workload w : workloads) {
            w.services().forEach(service -> services.add(service.toString()));
            details.add(new MeshGraph.Workload(w.name().toString(), w.identity().uri(), w.node(),
                    w.addresses().stream().map(NetUtil::toAddressString).toList(), w.dataplaneMode().name(),
                    expiries.get(w.node() + " " + w.identity().uri()), directory.waypointOf(w).orElse(null),
                    directory.policiesOf(w)));
        }
        Workload first = workloads.get(0);
        return new Node(group, directory.isWaypoint(group) ? MeshGraph.WAYPOINT : MeshGraph.WORKLOAD,
                first.name().namespace(), first.canonicalName(), directory.speaksHbone(group), List.copyOf(services),
                details);
    }

    private static Node nodeOutsideTheModel(String id) {
        if (id.equals(MeshGraph.OUTSIDE_ID)) {
            return new Node(id, MeshGraph.OUTSIDE, null, "outside the mesh", false, null, null);
        }
        return new Node(id, MeshGraph.IDENTITY, MeshDirectory.namespaceOfPrincipal(id), id, true, null, null);
    }

    /** {@code ambit_cert_expiry_seconds} of each tunnel, by {@code "<node> <identity>"}. */
    private static Map<String, Double> certificateExpiries(List<TargetScrape> scrapes) {
        Map<String, Double> expiries = new HashMap<>();
        for (TargetScrape scrape : scrapes) {
            for (Sample sample : scrape.samples()) {
                if (sample.name().equals("ambit_cert_expiry_seconds")) {
                    expiries.put(scrape.target().name() + " " + sample.label("identity"), sample.value());
                }
            }
        }
        return expiries;
    }

    private static List<MeshNode> meshNodes(List<TargetScrape> scrapes) {
        List<MeshNode> nodes = new ArrayList<>();
        for (TargetScrape scrape : scrapes) {
            if (scrape.target().kind() != ScrapeTarget.Kind.NODE || !scrape.ok()) {
                continue;
            }
            Map<String, Long> refused = new TreeMap<>();
            long drops = 0;
            for (Sample sample : scrape.samples()) {
                if (sample.name().equals("ambit_tcp_connection_failures_total") && sample.value() > 0) {
                    refused.merge(sample.label("reason"), (long) sample.value(), Long::sum);
                } else if (sample.name().equals("ambit_bpf_drops_total")) {
                    drops += (long) sample.value();
                }
            }
            nodes.add(new MeshNode(scrape.target().name(), refused, drops));
        }
        return nodes;
    }

    private Map<String, Counts> countEdges(List<TargetScrape> scrapes,
            java.util.function.Function<TargetScrape, List<Sample>> samplesOf) {
        Map<String, Counts> inbound = new TreeMap<>();
        Map<String, Counts> outbound = new TreeMap<>();
        Map<String, Counts> requests = new TreeMap<>();
        for (TargetScrape scrape : scrapes) {
            for (Sample sample : samplesOf.apply(scrape)) {
                if (scrape.target().kind() == ScrapeTarget.Kind.NODE) {
                    countConnection(sample, inbound, outbound);
                } else {
                    countRequest(sample, scrape.target().name(), requests);
                }
            }
        }
        Map<String, Counts> edges = new TreeMap<>(inbound);
        outbound.forEach(edges::putIfAbsent);
        requests.forEach((id, http) -> edges.merge(id, http, Counts::withRequestsOf));
        return edges;
    }

    private void countConnection(Sample sample, Map<String, Counts> inbound, Map<String, Counts> outbound) {
        String field = switch (sample.name()) {
            case "ambit_tcp_connections_opened_total" -> "opened";
            case "ambit_tcp_connections_closed_total" -> "closed";
            case "ambit_tcp_sent_bytes_total" -> "sent";
            case "ambit_tcp_received_bytes_total" -> "received";
            // Counted by the destination's tunnel only: its workload's policy refused the connection.
            case "ambit_tcp_connections_refused_total" -> "refused";
            // Plaintext SYNs into a STRICT pod the destination's kernel dropped before any tunnel saw them.
            case "ambit_bpf_strict_drops_total" -> "dropped";
            default -> null;
        };
        if (field == null) {
            return;
        }
        boolean isInbound = "inbound".equals(sample.label("direction"));
        String sourcePrincipal = sample.label("source_principal");
        String destinationPrincipal = sample.label("destination_principal");
        String source = group(sample.label("source_namespace"), sample.label("source_workload"), sourcePrincipal);
        String target = group(sample.label("destination_namespace"), sample.label("destination_workload"),
                destinationPrincipal);
        // Inbound over HBONE the tunnel names the source by the principal its certificate proved, and no workload;
        // inbound in plaintext it names the workload its address belongs to (if any) with that workload's identity,
        // which nothing proved. Outbound, HBONE is used exactly when the destination speaks it.
        boolean mtls = isInbound ? !known(sample.label("source_workload")) && known(sourcePrincipal)
                : directory.speaksHbone(target);
        Counts counts = (isInbound ? inbound : outbound).computeIfAbsent(source + "->" + target,
                id -> new Counts(source, target));
        counts.principals(mtls ? sourcePrincipal : UNKNOWN, destinationPrincipal);
        long value = (long) sample.value();
        switch (field) {
            case "opened" -> {
                counts.opened += value;
                if (mtls) {
                    counts.mtlsOpened += value;
                } else {
                    counts.plaintextOpened += value;
                }
            }
            case "refused", "dropped" -> {
                counts.refused.merge(field.equals("dropped") ? PLAINTEXT_DROPPED : sample.label("reason"), value,
                        Long::sum);
                if (mtls) {
                    counts.mtlsRefused += value;
                } else {
                    counts.plaintextRefused += value;
                }
            }
            case "closed" -> counts.closed += value;
            case "sent" -> counts.sent += value;
            default -> counts.received += value;
        }
        counts.tcp = true;
    }

    private void countRequest(Sample sample, String waypoint, Map<String, Counts> requests) {
        boolean total = sample.name().equals("ambit_requests_total");
        boolean bucket = sample.name().equals("ambit_request_duration_seconds_bucket");
        if (!total && !bucket) {
            return;
        }
        String sourcePrincipal = sample.label("source_principal");
        String source = group(sample.label("source_workload_namespace"), sample.label("source_workload"),
                sourcePrincipal);
        String target = known(sample.label("destination_workload"))
                ? group(sample.label("destination_workload_namespace"), sample.label("destination_workload"), UNKNOWN)
                // Refused before an endpoint was picked (a DENY policy): the service's one group, if it has one.
                : directory.groupOfService(sample.label("destination_service")).orElse(MeshGraph.OUTSIDE_ID);
        Counts counts = requests.computeIfAbsent(source + "->" + target, id -> new Counts(source, target));
        counts.http = true;
        counts.waypoints.add(waypoint);
        if (known(sourcePrincipal)) {
            counts.sourcePrincipals.add(sourcePrincipal);
        }
        if (total) {
            String code = sample.label("response_code");
            long value = (long) sample.value();
            counts.requests += value;
            counts.codes.merge(code, value, Long::sum);
            int status = parseStatus(code);
            if (status >= 400 || status == 0) {
                counts.errors += value;
            }
            if (status == 403) {
                counts.forbidden += value;
            }
            if (known(sourcePrincipal)) {
                counts.mtlsRequests += value;
            } else {
                counts.plaintextRequests += value;
            }
        } else {
            double le = "+Inf".equals(sample.label("le")) ? Double.POSITIVE_INFINITY
                    : Double.parseDouble(sample.label("le"));
            counts.buckets.merge(le, sample.value(), Double::sum);
        }
    }

    private static int parseStatus(String code) {
        try {
            return Integer.parseInt(code);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The group of a reported workload; of the principal when the workload is not named; else outside the mesh. */
    private String group(String namespace, String workload, String principal) {
        if (known(namespace) && known(workload)) {
            return MeshDirectory.groupId(namespace, workload);
        }
        if (known(principal)) {
            return directory.groupOfIdentity(principal).orElse(principal);
        }
        return MeshGraph.OUTSIDE_ID;
    }

    static boolean known(String value) {
        return value != null && !value.isEmpty() && !UNKNOWN.equals(value);
    }

    /** The counters of one edge, summed over the series that fall on it. */
    private static final class Counts {
        final String source;
        final String target;
        final Set<String> sourcePrincipals = new TreeSet<>();
        final Set<String> destinationPrincipals = new TreeSet<>();
        final Set<String> waypoints = new TreeSet<>();
        final Map<String, Long> codes = new TreeMap<>();
        final Map<Double, Double> buckets = new TreeMap<>();
        /** Refused connections by reason. */
        final Map<String, Long> refused = new TreeMap<>();
        boolean tcp;
        boolean http;
        long opened;
        long closed;
        long mtlsOpened;
        long plaintextOpened;
        long mtlsRefused;
        long plaintextRefused;
        long sent;
        long received;
        long requests;
        long errors;
        long forbidden;
        long mtlsRequests;
        long plaintextRequests;

        Counts(String source, String target) {
            this.source = source;
            this.target = target;
        }

        String id() {
            return source + "->" + target;
        }

        void principals(String source, String destination) {
            if (known(source)) {
                sourcePrincipals.add(source);
            }
            if (known(destination)) {
                destinationPrincipals.add(destination);
            }
        }

        Counts withRequestsOf(Counts http) {
            this.http = true;
            waypoints.addAll(http.waypoints);
            sourcePrincipals.addAll(http.sourcePrincipals);
            http.codes.forEach((code, n) -> codes.merge(code, n, Long::sum));
            http.buckets.forEach((le, n) -> buckets.merge(le, n, Double::sum));
            requests += http.requests;
            errors += http.errors;
            forbidden += http.forbidden;
            mtlsRequests += http.mtlsRequests;
            plaintextRequests += http.plaintextRequests;
            return this;
        }

        Edge edge(Counts before, boolean rates, double seconds) {
            long secured = mtlsOpened + mtlsRequests;
            long plain = plaintextOpened + plaintextRequests;
            if (secured + plain == 0) {
                // Nothing got through: the edge is what was attempted, e.g. plaintext a STRICT workload refused.
                secured = mtlsRefused;
                plain = plaintextRefused;
            }
            String security = plain == 0 ? "mTLS" : secured == 0 ? "plaintext" : "mixed";
            MeshGraph.Tcp tcpView = null;
            if (tcp) {
                tcpView = new MeshGraph.Tcp(opened, closed, mtlsOpened, plaintextOpened, sent, received,
                        rates ? rate(opened, before == null ? 0 : before.opened, seconds) : null,
                        rates ? rate(sent + received, before == null ? 0 : before.sent + before.received, seconds)
                                : null,
                        refused.isEmpty() ? null : total(refused),
                        refused.isEmpty() || !rates ? null
                                : rate(total(refused), before == null ? 0 : total(before.refused), seconds),
                        refused.isEmpty() ? null : refusals(before, rates, seconds));
            }
            MeshGraph.Http httpView = null;
            if (http) {
                long requestsInInterval = before == null ? requests : Math.max(0, requests - before.requests);
                long errorsInInterval = before == null ? errors : Math.max(0, errors - before.errors);
                httpView = new MeshGraph.Http(requests, errors, forbidden, Map.copyOf(codes),
                        rates ? rate(requests, before == null ? 0 : before.requests, seconds) : null,
                        rates && requestsInInterval > 0 ? (double) errorsInInterval / requestsInInterval : null,
                        rates ? rate(forbidden, before == null ? 0 : before.forbidden, seconds) : null,
                        rates && requestsInInterval > 0
                                ? Quantiles.fromBuckets(0.99, buckets, before == null ? Map.of() : before.buckets)
                                : null);
            }
            return new Edge(id(), source, target, security, List.copyOf(sourcePrincipals),
                    List.copyOf(destinationPrincipals), waypoints.isEmpty() ? null : String.join(",", waypoints),
                    tcpView, httpView);
        }

        private static long total(Map<String, Long> byReason) {
            return byReason.values().stream().mapToLong(Long::longValue).sum();
        }

        private Map<String, MeshGraph.Refusals> refusals(Counts before, boolean rates, double seconds) {
            Map<String, MeshGraph.Refusals> byReason = new TreeMap<>();
            refused.forEach((reason, n) -> byReason.put(reason, new MeshGraph.Refusals(n,
                    rates ? rate(n, before == null ? 0 : before.refused.getOrDefault(reason, 0L), seconds) : null)));
            return byReason;
        }

        /** Per second; a counter that went down (its process restarted) counts from zero. */
        private static double rate(double now, double before, double seconds) {
            double delta = now >= before ? now - before : now;
            return Math.round(delta / seconds * 1000) / 1000.0;
        }
    }
}
