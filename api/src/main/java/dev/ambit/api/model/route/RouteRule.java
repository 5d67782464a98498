package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import java.util.List;

/**
 * Sends requests that match any of {@link #matches} (all requests when there are none) to one of
 * {@link #backendRefs}, picked by weight, after applying {@link #filters}.
 */
public record RouteRule(
        List<RouteMatch> matches,
        RouteFilters filters,
        List<BackendRef> backendRefs,
        RouteTimeouts timeouts) {

    public RouteRule {
        FieldValidator v = FieldValidator.of("RouteRule");
        matches = v.list("matches", matches);
        v.required("filters", filters);
        backendRefs = v.list("backendRefs", backendRefs);
        v.required("timeouts", timeouts);
        v.check(backendRefs.isEmpty() || backendRefs.stream().mapToLong(BackendRef::weight).sum() > 0,
                "backendRefs", "weights sum to 0");
        boolean replacesPrefix = filters.pathReplacement()
                .filter(replacement -> replacement.kind() == PathReplacement.Kind.PREFIX).isPresent();
        v.check(!replacesPrefix || (!matches.isEmpty() && matches.stream().allMatch(RouteRule::matchesPrefix)),
                filters.redirect().isPresent() ? "filters.redirect.path" : "filters.rewrite.path",
                "PREFIX replacement needs every match to have a PREFIX path match");
    }

    private static boolean matchesPrefix(RouteMatch match) {
        return match.path().filter(path -> path.type() == MatchType.PREFIX).isPresent();
    }
}
