package dev.ambit.waypoint.route;

import dev.ambit.api.model.ServiceRef;
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
 * keep route-name then rule order. Immutable: a config update builds a new table.
 */
public final class RouteTable {

    private record Entry(RequestMatcher matcher, RouteSelection selection) {
    }

    private final Map<ServiceKey, List<Entry>> byPort;
    private final Map<ServiceKey, List<Entry>> byService;

    private RouteTable(Map<ServiceKey, List<Entry>> byPort, Map<ServiceKey, List<Entry>> byService) {
        this.byPort = byPort;
        this.byService = byService;
    }

    public static RouteTable build(List<HttpRoute> routes) {
        Map<ServiceKey, List<Entry>> byPort = new HashMap<>();
        Map<ServiceKey, List<Entry>> byService = new HashMap<>();
        List<HttpRoute> sorted = routes.stream().sorted(Comparator.comparing(HttpRoute::name)).toList();
        for (HttpRoute route : sorted) {
            List<Entry> entries = entries(route);
            for (ServiceRef parent : route.parentRefs()) {
                // A parent without a port applies to every port: stored under port 0, consulted after the port's own.
                ServiceKey key = new ServiceKey(parent.service(), parent.port().orElse(0));
                (parent.port().isPresent() ? byPort : byService).computeIfAbsent(key, k -> new ArrayList<>())
                        .addAll(entries);
            }
        }
        byPort.values().forEach(list -> list.sort(Comparator.comparing(Entry::matcher, RequestMatcher.PRECEDENCE)));
        byService.values().forEach(list -> list.sort(Comparator.comparing(Entry::matcher, RequestMatcher.PRECEDENCE)));
        return new RouteTable(Map.copyOf(byPort), Map.copyOf(byService));
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
