package dev.ambit.waypoint.route;

import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteMatch;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A compiled {@link RouteMatch}. Matchers order by Gateway API precedence: an exact path before any prefix, a longer
 * prefix before a shorter one, then a regex, then the catch-all {@code /}, then a method match, then more header matches, then
 * more query matches.
 */
public final class RequestMatcher {

    static final Comparator<RequestMatcher> PRECEDENCE = Comparator
            .comparingInt((RequestMatcher m) -> m.pathRank)
            .thenComparingInt(m -> m.pathType == MatchType.PREFIX ? m.pathValue.length() : 0)
            .thenComparingInt(m -> m.method == null ? 0 : 1)
            .thenComparingInt(m -> m.headers.size())
            .thenComparingInt(m -> m.query.size())
            .reversed();

    private static final RouteMatch ANY = new RouteMatch(Optional.empty(), List.of(), List.of(), Optional.empty());

    private final MatchType pathType;
    private final String pathValue;
    private final Pattern pathRegex;
    private final int pathRank;
    private final String method;
    private final List<ValueMatcher> headers;
    private final List<ValueMatcher> query;

    private RequestMatcher(RouteMatch match) {
        PathMatch path = match.path().orElse(PathMatch.prefix("/"));
        this.pathType = path.type();
        this.pathValue = pathType == MatchType.PREFIX ? withoutTrailingSlash(path.value()) : path.value();
        this.pathRegex = pathType == MatchType.REGEX ? Pattern.compile(path.value()) : null;
        // A match-everything prefix ("/") ranks below a regex, so that catch-all rules come last.
        this.pathRank = switch (pathType) {
            case EXACT -> 3;
            case PREFIX -> pathValue.isEmpty() ? 0 : 2;
            case REGEX -> 1;
        };
        this.method = match.method().orElse(null);
        this.headers = match.headers().stream().map(ValueMatcher::new).toList();
        this.query = match.queryParams().stream().map(ValueMatcher::new).toList();
    }

    public static RequestMatcher of(RouteMatch match) {
        return new RequestMatcher(match);
    }

    /** Matches every request: a rule without matches. */
    public static RequestMatcher any() {
        return new RequestMatcher(ANY);
    }

    public boolean matches(RouteRequest request) {
        if (method != null && !method.equals(request.method())) {
            return false;
        }
        if (!matchesPath(request.path())) {
            return false;
        }
        for (ValueMatcher header : headers) {
            if (!header.matchesAny(request.headers().getAll(header.name()))) {
                return false;
            }
        }
        for (ValueMatcher parameter : query) {
            if (!parameter.matchesAny(request.query().getOrDefault(parameter.name(), List.of()))) {
                return false;
            }
        }
        return true;
    }

    /** The prefix a PREFIX match matched, for prefix replacements; empty for a match on "/". */
    public String matchedPrefix() {
        return pathType == MatchType.PREFIX ? pathValue : "";
    }

    private boolean matchesPath(String path) {
        return switch (pathType) {
            case EXACT -> pathValue.equals(path);
            case REGEX -> pathRegex.matcher(path).matches();
            // By whole segments: "/foo" matches "/foo" and "/foo/bar", not "/foobar".
            case PREFIX -> pathValue.isEmpty() || path.equals(pathValue)
                    || (path.startsWith(pathValue) && path.charAt(pathValue.length()) == '/');
        };
    }

    private static String withoutTrailingSlash(String prefix) {
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
