package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import java.util.List;

/**
 * Matches when each of its non-empty parts matches: any one of {@link #from}, any one of {@link #to}, and every
 * one of {@link #when}. A rule with all three empty matches everything.
 */
public record AuthorizationRule(List<Source> from, List<Operation> to, List<Condition> when) {

    public AuthorizationRule {
        FieldValidator v = FieldValidator.of("AuthorizationRule");
        from = v.list("from", from);
        to = v.list("to", to);
        when = v.list("when", when);
    }
}
