package dev.ambit.waypoint.http;

/**
 * Normalizes a request target before routing and authorization see it, so that {@code /admin} cannot be reached as
 * {@code /public/../admin} or {@code /public/%2e%2e/admin}: origin form only, dot segments removed (RFC 3986 §5.2.4),
 * percent-encoded dots included. The query is kept as sent.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /** @return the normalized origin-form target, or null when {@code target} is not one */
    public static String normalize(String target) {
        if (target.isEmpty() || target.charAt(0) != '/') {
            return null;
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        if (path.indexOf('#') >= 0 || path.indexOf('\\') >= 0) {
            return null;
        }
        String normalized = path.contains("/.") || path.contains("%2e") || path.contains("%2E")
                ? removeDotSegments(path) : path;
        return question < 0 ? normalized : normalized + target.substring(question);
    }

    private static String removeDotSegments(String path) {
        String[] segments = path.split("/", -1);
        java.util.ArrayDeque<String> output = new java.util.ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            // A backend decodes %2E to '.' (an unreserved character, RFC 3986 §2.3), so /public/%2e%2e/admin is
            // /admin to it: found by PathNormalizerFuzzTest.
            String dots = segment.length() <= 6 ? segment.replace("%2e", ".").replace("%2E", ".") : segment;
            if (dots.equals("..")) {
                output.pollLast();
                if (last) {
                    output.addLast("");
                }
            } else if (dots.equals(".")) {
                if (last) {
                    output.addLast("");
                }
            } else {
                output.addLast(segment);
            }
        }
        return "/" + String.join("/", output);
    }
}
