package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import java.util.List;
import java.util.Map;

/** Edits headers: {@link #set} replaces, {@link #add} appends, {@link #remove} deletes. */
public record HeaderModifier(Map<String, String> set, Map<String, String> add, List<String> remove) {

    public HeaderModifier {
        FieldValidator v = FieldValidator.of("HeaderModifier");
        set = headers(v, "set", set);
        add = headers(v, "add", add);
        remove = v.each("remove", remove, v::token);
    }

    private static Map<String, String> headers(FieldValidator v, String field, Map<String, String> headers) {
        Map<String, String> copy = v.map(field, headers);
        copy.forEach((name, value) -> {
            v.token(field, name);
            v.headerValue(FieldValidator.index(field, name), value);
        });
        return copy;
    }
}
