package dev.ambit.waypoint.route;

import dev.ambit.api.model.route.HeaderModifier;
import io.netty.handler.codec.http.HttpHeaders;

/** Applies a {@link HeaderModifier}: set replaces, add appends, remove deletes (in that order, as Envoy does). */
public final class HeaderEdits {

    private HeaderEdits() {
    }

    public static void apply(HeaderModifier modifier, HttpHeaders headers) {
        modifier.set().forEach(headers::set);
        modifier.add().forEach(headers::add);
        modifier.remove().forEach(headers::remove);
    }
}
