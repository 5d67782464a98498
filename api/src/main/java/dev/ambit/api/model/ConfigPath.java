package dev.ambit.api.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds nested config objects while keeping track of where they sit, so that a validation failure deep inside
 * reads {@code HttpRoute demo/r: rules[0].backendRefs: weights sum to 0} rather than naming only the innermost
 * record. Used by everything that turns external input (protobuf, YAML) into the model.
 */
public final class ConfigPath {

    private ConfigPath() {
    }

    /** Builds a top-level object; failures are reported against {@code object}, e.g. {@code "Workload default/a"}. */
    public static <T> T within(String object, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidConfigException e) {
            throw e.in(object);
        }
    }

    /** Builds the value of one field; failures inside it get {@code field} prepended to their path. */
    public static <T> T at(String field, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidConfigException e) {
            throw e.at(field);
        }
    }

    /** Builds each element of a list field; a failure names the element, e.g. {@code rules[2]}. */
    public static <S, T> List<T> each(String field, List<S> sources, Function<? super S, ? extends T> build) {
        List<T> built = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            S source = sources.get(i);
            built.add(at(FieldValidator.index(field, i), () -> build.apply(source)));
        }
        return built;
    }
}
