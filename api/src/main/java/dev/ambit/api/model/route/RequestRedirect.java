package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Answers with a redirect instead of forwarding; parts left empty keep the request's own. */
public record RequestRedirect(
        Optional<String> scheme,
        Optional<String> hostname,
        Optional<PathReplacement> path,
        OptionalInt port,
        int statusCode) {

    public static final int DEFAULT_STATUS_CODE = 302;
    private static final Set<Integer> STATUS_CODES = Set.of(301, 302, 303, 307, 308);

    public RequestRedirect {
        FieldValidator v = FieldValidator.of("RequestRedirect");
        scheme = v.optional(scheme);
        scheme.ifPresent(name -> v.check(name.equals("http") || name.equals("https"), "scheme",
                "'" + name + "' is neither http nor https"));
        hostname = v.optional(hostname);
        hostname.ifPresent(name -> v.dnsSubdomain("hostname", name));
        path = v.optional(path);
        port = v.port("port", port);
        v.check(STATUS_CODES.contains(statusCode), "statusCode", statusCode + " is not a redirect status (301, 302, 303, 307, 308)");
    }
}
