package dev.ambit.control.source.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.Map;

/**
 * An object read from a file, with where each of its fields was written, so that a problem the model finds later
 * (a bad principal deep in a policy) is reported at its line.
 *
 * @param fieldLines field path ({@code spec.rules[0].from}) to its 1-based line
 */
public record LocatedObject(HasMetadata object, Path file, int line, Map<String, Integer> fieldLines) {

    /** {@code file:line} of {@code field}, or of the nearest enclosing field written in the file. */
    public String locate(String field) {
        return file + ":" + lineOf(fieldLines, field, line);
    }

    /** The line of {@code field} or of its nearest enclosing field in {@code fieldLines}, else {@code fallback}. */
    static int lineOf(Map<String, Integer> fieldLines, String field, int fallback) {
        String path = field;
        while (!path.isEmpty()) {
            Integer found = fieldLines.get(path);
            if (found != null) {
                return found;
            }
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            path = cut < 0 ? "" : path.substring(0, cut);
        }
        return fallback;
    }
}
