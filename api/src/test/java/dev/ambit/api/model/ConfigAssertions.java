package dev.ambit.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

public final class ConfigAssertions {

    private ConfigAssertions() {
    }

    /** Asserts that {@code build} is refused with exactly {@code message}, which names object and field. */
    public static void assertInvalid(String message, Executable build) {
        assertEquals(message, assertThrows(InvalidConfigException.class, build).getMessage());
    }
}
