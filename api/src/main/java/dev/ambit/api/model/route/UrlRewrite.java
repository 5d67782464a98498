package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import java.util.Optional;

/** Rewrites the request before forwarding it: its host (the {@code :authority}), its path, or both. */
public record UrlRewrite(Optional<String> hostname, Optional<PathReplacement> path) {

    public UrlRewrite {
        FieldValidator v = FieldValidator.of("UrlRewrite");
        hostname = v.optional(hostname);
        hostname.ifPresent(name -> v.dnsSubdomain("hostname", name));
        path = v.optional(path);
        v.check(hostname.isPresent() || path.isPresent(), "hostname", "hostname or path must be set");
    }
}
