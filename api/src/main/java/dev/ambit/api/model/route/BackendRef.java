package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.ServiceRef;

/** A service port that receives a {@link #weight}-proportional share of a rule's requests. */
public record BackendRef(ServiceRef service, int weight) {

    public static final int MAX_WEIGHT = 1_000_000;

    public BackendRef {
        FieldValidator v = FieldValidator.of("BackendRef");
        v.check(v.required("service", service).port().isPresent(), "service.port", "is required");
        v.range("weight", weight, 0, MAX_WEIGHT);
    }
}
