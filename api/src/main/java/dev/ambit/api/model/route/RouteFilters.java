package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.traffic.Mirror;
import java.util.List;
import java.util.Optional;

/** What a rule does to a request besides picking a backend; at most one filter of each kind, as in practice. */
public record RouteFilters(
        Optional<HeaderModifier> requestHeaders,
        Optional<HeaderModifier> responseHeaders,
        Optional<RequestRedirect> redirect,
        Optional<UrlRewrite> rewrite,
        List<Mirror> mirrors) {

    public static final RouteFilters NONE =
            new RouteFilters(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());

    public RouteFilters {
        FieldValidator v = FieldValidator.of("RouteFilters");
        requestHeaders = v.optional(requestHeaders);
        responseHeaders = v.optional(responseHeaders);
        redirect = v.optional(redirect);
        rewrite = v.optional(rewrite);
        v.check(redirect.isEmpty() || rewrite.isEmpty(), "rewrite", "cannot be combined with redirect");
        mirrors = v.list("mirrors", mirrors);
    }

    /** The path replacement of the redirect or rewrite, whichever is set. */
    public Optional<PathReplacement> pathReplacement() {
        return redirect.flatMap(RequestRedirect::path).or(() -> rewrite.flatMap(UrlRewrite::path));
    }
}
