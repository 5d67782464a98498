package dev.ambit.control.model;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Where the model reports source objects it cannot use. The object's previous good version keeps being served;
 * the report tells its author why the new one was not taken.
 */
public interface ConfigErrors {

    /** {@code object} is invalid: {@code field} (a path inside it, possibly empty) has {@code problem}. */
    void invalid(HasMetadata object, String field, String problem);

    /** {@code object} was accepted; clears an earlier report. */
    void accepted(HasMetadata object);
}
