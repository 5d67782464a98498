package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.time.Duration;

/** Holds {@link #percentage} of requests for {@link #fixedDelay} before forwarding them. */
public record FaultDelay(double percentage, Duration fixedDelay) {

    public FaultDelay {
        FieldValidator v = FieldValidator.of("FaultDelay");
        v.percentage("percentage", percentage);
        v.nonNegative("fixedDelay", fixedDelay);
    }
}
