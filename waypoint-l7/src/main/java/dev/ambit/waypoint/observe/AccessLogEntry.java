package dev.ambit.waypoint.observe;

/**
 * The values of one request's access-log line, filled in as the request goes. Values must be immutable: strings,
 * numbers, instants, or values whose {@code toString()} is the field (an identity, a name, an address), which is then
 * called on the access log's own thread, where the entry is formatted once written.
 */
public final class AccessLogEntry {

    private static final AccessLogField[] FIELDS = AccessLogField.values();

    private final Object[] values = new Object[FIELDS.length];

    public AccessLogEntry put(AccessLogField field, Object value) {
        if (value != null) {
            values[field.ordinal()] = value;
        }
        return this;
    }

    /** The value of {@code field}, or null; read by the access log and, at the request's end, by its spans. */
    public Object get(AccessLogField field) {
        return values[field.ordinal()];
    }
}
