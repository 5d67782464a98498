package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.ServiceRef;

/** Copies {@link #percentage} of requests to {@link #backend}; its responses are dropped. */
public record Mirror(ServiceRef backend, double percentage) {

    public Mirror {
        FieldValidator v = FieldValidator.of("Mirror");
        v.check(v.required("backend", backend).port().isPresent(), "backend.port", "is required");
        v.percentage("percentage", percentage);
    }
}
