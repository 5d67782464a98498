package dev.ambit.waypoint.observe;

import java.util.EnumSet;
import java.util.Set;

/**
 * @param enabled whether a line is written per request
 * @param fields  which fields each line carries
 */
public record AccessLogSettings(boolean enabled, Set<AccessLogField> fields) {

    public AccessLogSettings {
        fields = Set.copyOf(fields);
    }

    public static AccessLogSettings defaults() {
        return new AccessLogSettings(true, EnumSet.allOf(AccessLogField.class));
    }
}
