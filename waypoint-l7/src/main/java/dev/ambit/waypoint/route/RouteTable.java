package dev.ambit.waypoint.route;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP routes of each service port, flattened into (match, rule) entries sorted by Gateway API precedence; ties
 * keep route-name then rule order. The routes of ingress Gateways the same way, per Gateway, each entry with the
 * parent it came by and its route's hostnames, which a request's listener and host must meet. Immutable: a config
 * update builds a new table.
 */
public final class RouteTable {

    private record Entry(RequestMatcher matcher, RouteSelection selection) {
    }

    /** An ingress route's entry: it applies on the listeners {@code parent} names, to the hosts of its route. */
    private record GatewayEntry(GatewayParentRef parent, List<String> hostnames, Entry entry) {

        boolean appliesTo(GatewayListener listener) {
            return parent.sectionName().map(listener.name()::equals).orElse(true)
                    && (parent.port().isEmpty() || parent.port().getAsInt() == listener.port());
        }

        /**
         * How specifically the route's hostnames name {@code host}: an exact name beats a longer wildcard beats a
         * shorter one beats no hostnames (any host); -1 when none matches.
         */
        int hostRank(String host) {
            if (hostnames.isEmpty()) {
                return 0;
            }
            int best = -1;
            for (String hostname : hostnames) {
                if (GatewayListener.hostMatches(hostname, host)) {
                    best = Math.max(best, hostname.startsWith("*.") ? hostname.length() : Integer.MAX_VALUE);
                }
            }
            return best;
        }
    }

    private final Map<ServiceKey, List<Entry>> byPort;
    private final Map<ServiceKey, List<Entry>> byService;
    private final Map<NamespacedName, List<GatewayEntry>> byGateway;

    private RouteTable(Map<ServiceKey, List<Entry>> byPort, Map<ServiceKey, List<Entry>> byService,
            Map<NamespacedName, List<GatewayEntry>> byGateway) {
        this.byPort = byPort;
        this.byService = byService;
        this.byGateway = byGateway;
    }

    public static RouteTable build(List<HttpRoute> routes) {
        Map<ServiceKey, List<Entry>> byPort = new HashMap<>();
        Map<ServiceKey, List<Entry>> byService = new HashMap<>();
        Map<NamespacedName, List<GatewayEntry>> byGateway = new HashMap<>();
        List<HttpRoute> sorted = routes.stream().sorted(Comparator.comparing(HttpRoute::name)).toList();
        for (HttpRoute route : sorted) {
            List<Entry> entries = entries(route);
            for (ServiceRef parent : route.parentRefs()) {
                // A parent without a port applies to every port: stored under port 0, consulted after the port's own.
                ServiceKey key = new ServiceKey(parent.service(), parent.port().orElse(0));
                (parent.port().isPresent() ? byPort : byService).computeIfAbsent(key, k -> new ArrayList<>())
                        .addAll(entries);
            }
            for (GatewayParentRef parent : route.gatewayParentRefs()) {
                List<GatewayEntry> gatewayEntries = byGateway.computeIfAbsent(parent.gateway(), k -> new ArrayList<>());
                entries.forEach(entry -> gatewayEntries.add(new GatewayEntry(parent, route.hostnames(), entry)));
            }
        }
        byGateway.values().forEach(list -> list.sort(Comparator.comparing(GatewayEntry::entry,
                Comparator.comparing(Entry::matcher, RequestMatcher.PRECEDENCE))));
        byPort.values().forEach(list -> list.sort(Comparator.comparing(Entry::matcher, RequestMatcher.PRECEDENCE)));
        byService.values().forEach(list -> list.sort(Comparator.comparing(Entry::matcher, RequestMatcher.PRECEDENCE)));
        return new RouteTable(Map.copyOf(byPort), Map.copyOf(byService), Map.copyOf(byGateway));
    }

    /**
     * The rule for a request that arrived on an ingress Gateway's {@code listener} for {@code host} (no port, lower
     * case): among the routes attached to that listener whose hostnames match, those naming the host most
     * specifically, then by match precedence. Empty when the listener does not take the host or nothing matches.
     */
    public Optional<RouteSelection> route(GatewayListener listener, String host, RouteRequest request) {
        List<GatewayEntry> entries = byGateway.get(listener.gateway());
        if (entries == null || !listener.takes(host)) {
            return Optional.empty();
        }
        GatewayEntry best = null;
        int bestRank = -1;
        for (GatewayEntry entry : entries) {
            if (!entry.appliesTo(listener)) {
                continue;
            }
            int rank = entry.hostRank(host);
            // Entries are in match precedence order: a later one wins only by naming the host more specifically.
            if (rank > bestRank && entry.entry().matcher().matches(request)) {
                best = entry;
                bestRank = rank;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.entry().selection());
    }

    /** Whether any route is attached to {@code key}: without one, requests go straight to the service. */
    public boolean hasRoutes(ServiceKey key) {
        return byPort.containsKey(key) || byService.containsKey(new ServiceKey(key.service(), 0));
    }

    public Optional<RouteSelection> route(ServiceKey key, RouteRequest request) {
        Optional<RouteSelection> own = first(byPort.get(key), request);
        return own.isPresent() ? own : first(byService.get(new ServiceKey(key.service(), 0)), request);
    }

    private static Optional<RouteSelection> first(List<Entry> entries, RouteRequest request) {
        if (entries != null) {
            for (Entry entry : entries) {
                if (entry.matcher().matches(request)) {
                    return Optional.of(entry.selection());
                }
            }
        }
        return Optional.empty();
    }

    private static List<Entry> entries(HttpRoute route) {
        List<Entry> entries = new ArrayList<>();
        for (RouteRule rule : route.rules()) {
            if (rule.matches().isEmpty()) {
                RequestMatcher any = RequestMatcher.any();
                entries.add(new Entry(any, new RouteSelection(route.name(), rule, any)));
            }
            for (RouteMatch match : rule.matches()) {
                RequestMatcher matcher = RequestMatcher.of(match);
                entries.add(new Entry(matcher, new RouteSelection(route.name(), rule, matcher)));
            }
        }
        return entries;
    }
}
