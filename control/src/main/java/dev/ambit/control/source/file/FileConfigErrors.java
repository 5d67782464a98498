package dev.ambit.control.source.file;

import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.source.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports objects the model refuses at the file and line they were written, once per distinct problem. */
public final class FileConfigErrors implements ConfigErrors {

    private static final Logger log = LoggerFactory.getLogger(FileConfigErrors.class);

    private final FileSource source;
    private final ControlMetrics metrics;
    private final Map<ObjectKey, String> reported = new ConcurrentHashMap<>();

    public FileConfigErrors(FileSource source, ControlMetrics metrics) {
        this.source = source;
        this.metrics = metrics;
    }

    /** Objects currently refused, with the report ({@code file:line: object: field: problem}). */
    public Map<ObjectKey, String> reported() {
        return Map.copyOf(reported);
    }

    @Override
    public void invalid(HasMetadata object, String field, String problem) {
        ObjectKey key = ObjectKey.of(object);
        String where = source.origin(key).map(origin -> origin.locate(field)).orElse("(unknown file)");
        String message = where + ": " + key + ": " + (field.isEmpty() ? "" : field + ": ") + problem;
        if (!message.equals(reported.put(key, message))) {
            metrics.configError();
            log.warn("event=config_object_invalid object=\"{}\" error=\"{}\" action=keeping_previous_version", key,
                    message);
        }
    }

    @Override
    public void accepted(HasMetadata object) {
        ObjectKey key = ObjectKey.of(object);
        if (reported.remove(key) != null) {
            log.info("event=config_object_valid object=\"{}\"", key);
        }
    }
}
