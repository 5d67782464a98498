package dev.ambit.waypoint.route;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * What route matching looks at: the method, the normalized path (no query) and the query parameters, and the
 * request headers.
 */
public record RouteRequest(String method, String path, Map<String, List<String>> query, HttpHeaders headers) {

    /** Splits {@code uri} (origin form, already normalized) into path and query parameters. */
    public static RouteRequest of(String method, String uri, HttpHeaders headers) {
        int question = uri.indexOf('?');
        if (question < 0) {
            return new RouteRequest(method, uri, Map.of(), headers);
        }
        return new RouteRequest(method, uri.substring(0, question),
                new QueryStringDecoder(uri.substring(question), false).parameters(), headers);
    }
}
