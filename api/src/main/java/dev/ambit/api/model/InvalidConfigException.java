package dev.ambit.api.model;

/**
 * A config object that fails validation. The message names the object and the field, for example
 * {@code Workload default/hello-v1: addresses[1]: '300.1.2.3' is not an IP address}, because it travels as the
 * NACK reason from the data plane back to the controller and from there into an operator's logs.
 *
 * <p>A nested object (a retry policy, a route match) is validated when it is built, before the object that holds
 * it exists, so it reports a field path relative to itself. Whoever assembles the whole object widens the report
 * with {@link #at} and {@link #in}; {@link ConfigPath} does both around a builder.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String object;
    private final String field;
    private final String problem;

    /**
     * @param object  what is invalid, e.g. {@code "TrafficPolicy demo/hello"}; empty when not known yet
     * @param field   path of the invalid field inside the object, e.g. {@code "rules[0].backendRefs"}; may be empty
     * @param problem what is wrong with the value
     */
    public InvalidConfigException(String object, String field, String problem) {
        super(join(join(object, field), problem));
        this.object = object;
        this.field = field;
        this.problem = problem;
    }

    public String object() {
        return object;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    /** The same problem seen from the parent: {@code at("fault")} turns {@code abort.percentage} into {@code fault.abort.percentage}. */
    public InvalidConfigException at(String parentField) {
        String path = field.isEmpty() ? parentField
                : field.startsWith("[") ? parentField + field
                : parentField + "." + field;
        return rethrown(object, path);
    }

    /** The same problem, reported against the top-level object that holds the invalid field. */
    public InvalidConfigException in(String outerObject) {
        return rethrown(outerObject, field);
    }

    private InvalidConfigException rethrown(String newObject, String newField) {
        InvalidConfigException wider = new InvalidConfigException(newObject, newField, problem);
        wider.setStackTrace(getStackTrace());
        return wider;
    }

    private static String join(String left, String right) {
        if (left.isEmpty()) {
            return right;
        }
        return right.isEmpty() ? left : left + ": " + right;
    }
}
