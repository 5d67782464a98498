package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** One JSON value of an admin page, written field by field: only what is named here ever reaches the output. */
@FunctionalInterface
public interface JsonSection {

    /** Writes exactly one JSON value (an object, an array, ...) reading the state as it is now. */
    void write(JsonGenerator json) throws IOException;
}
