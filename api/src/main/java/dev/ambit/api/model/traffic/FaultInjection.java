package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.util.Optional;

/** Deliberate failures, to test how callers cope; a request may be both delayed and aborted. */
public record FaultInjection(Optional<FaultDelay> delay, Optional<FaultAbort> abort) {

    public FaultInjection {
        FieldValidator v = FieldValidator.of("FaultInjection");
        delay = v.optional(delay);
        abort = v.optional(abort);
        v.check(delay.isPresent() || abort.isPresent(), "delay", "delay or abort must be set");
    }
}
