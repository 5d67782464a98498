package dev.ambit.waypoint.route;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.route.RouteRule;

/** The rule that matched a request, which route it came from, and the match that chose it. */
public record RouteSelection(NamespacedName route, RouteRule rule, RequestMatcher matcher) {
}
