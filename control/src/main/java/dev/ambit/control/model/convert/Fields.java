package dev.ambit.control.model.convert;

import dev.ambit.api.identity.InvalidSpiffeIdException;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.InvalidConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads the optional, loosely typed fields of Kubernetes objects into the model's strict types. */
final class Fields {

    private Fields() {
    }

    static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : values;
    }

    static <K, V> Map<K, V> map(Map<K, V> values) {
        return values == null ? Map.of() : values;
    }

    static OptionalInt optionalInt(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    static Optional<String> optionalText(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidConfigException("", field, "is required");
        }
        return value;
    }

    /** {@code value} as one of {@code type}'s constants, or {@code absent} when not set. */
    static <E extends Enum<E>> E enumValue(Class<E> type, String field, String value, E absent) {
        if (value == null || value.isEmpty()) {
            if (absent == null) {
                throw new InvalidConfigException("", field, "is required");
            }
            return absent;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("", field, "'" + value + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** A principal as {@code spiffe://<td>/ns/<ns>/sa/<sa>}, or Istio's short {@code <td>/ns/<ns>/sa/<sa>}. */
    static SpiffeId principal(String field, String value) {
        String uri = value != null && !value.startsWith(SpiffeId.SCHEME_PREFIX) ? SpiffeId.SCHEME_PREFIX + value : value;
        try {
            return SpiffeId.parse(uri);
        } catch (InvalidSpiffeIdException e) {
            throw new InvalidConfigException("", field, e.getMessage());
        }
    }
}
