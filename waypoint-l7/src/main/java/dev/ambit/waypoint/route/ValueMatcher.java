package dev.ambit.waypoint.route;

import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.MatchType;
import java.util.List;
import java.util.regex.Pattern;

/** A compiled header or query-parameter match: any one of the named values matching is enough. */
final class ValueMatcher {

    private final String name;
    private final String exact;
    private final Pattern regex;

    ValueMatcher(HeaderMatch match) {
        this.name = match.name();
        this.exact = match.type() == MatchType.EXACT ? match.value() : null;
        this.regex = match.type() == MatchType.REGEX ? Pattern.compile(match.value()) : null;
    }

    String name() {
        return name;
    }

    boolean matchesAny(List<String> values) {
        for (String value : values) {
            if (exact != null ? exact.equals(value) : regex.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }
}
