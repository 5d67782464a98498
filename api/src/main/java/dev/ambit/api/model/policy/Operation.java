package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import java.util.List;

/**
 * What a request does. Each non-empty field must match. Ports are the destination's target ports and work at L4;
 * methods, paths and hosts need a waypoint.
 *
 * <p>Paths and hosts match exactly, or with one {@code *} at the start (suffix match) or end (prefix match);
 * {@code *} alone matches any value.
 */
public record Operation(
        List<Integer> ports,
        List<Integer> notPorts,
        List<String> methods,
        List<String> paths,
        List<String> notPaths,
        List<String> hosts) {

    private static final int MAX_PATTERN_LENGTH = 1024;

    public Operation {
        FieldValidator v = FieldValidator.of("Operation");
        ports = v.each("ports", ports, v::port);
        notPorts = v.each("notPorts", notPorts, v::port);
        methods = v.each("methods", methods, v::token);
        paths = v.each("paths", paths, (field, path) -> pattern(v, field, path, true));
        notPaths = v.each("notPaths", notPaths, (field, path) -> pattern(v, field, path, true));
        hosts = v.each("hosts", hosts, (field, host) -> pattern(v, field, host, false));
    }

    private static void pattern(FieldValidator v, String field, String pattern, boolean path) {
        v.printable(field, pattern, MAX_PATTERN_LENGTH);
        int star = pattern.indexOf('*', 1);
        v.check(star < 0 || star == pattern.length() - 1, field,
                "'" + pattern + "' has a '*' that is neither first nor last");
        v.check(!path || pattern.startsWith("/") || pattern.startsWith("*"), field,
                "'" + pattern + "' does not start with '/' or '*'");
    }
}
