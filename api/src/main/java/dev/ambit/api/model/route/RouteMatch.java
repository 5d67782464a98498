package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import java.util.List;
import java.util.Optional;

/** Matches a request when every part that is set matches. */
public record RouteMatch(
        Optional<PathMatch> path,
        List<HeaderMatch> headers,
        List<HeaderMatch> queryParams,
        Optional<String> method) {

    public RouteMatch {
        FieldValidator v = FieldValidator.of("RouteMatch");
        path = v.optional(path);
        headers = v.list("headers", headers);
        queryParams = v.list("queryParams", queryParams);
        method = v.optional(method);
        method.ifPresent(name -> v.token("method", name));
    }
}
