package dev.ambit.api.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks the fields of one config object from its canonical constructor. Every check returns the value it
 * accepted (copied, where it is a collection) and throws {@link InvalidConfigException} naming the object and
 * the field otherwise.
 */
public final class FieldValidator {

    /** Longest regex accepted in config; longer ones are a denial-of-service risk for the proxies that run them. */
    public static final int MAX_REGEX_LENGTH = 1024;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    /** RFC 9110 token: header names and methods. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");

    private final String object;

    private FieldValidator(String object) {
        this.object = object;
    }

    /** A validator for a named top-level object, e.g. {@code of("Workload", name)}; {@code name} may be null. */
    public static FieldValidator of(String kind, Object name) {
        return new FieldValidator(kind + " " + name);
    }

    /** A validator for a nested object, which its holder will re-report under its own name. */
    public static FieldValidator of(String kind) {
        return new FieldValidator(kind);
    }

    /** {@code index("rules", 2)} is {@code "rules[2]"}. */
    public static String index(String field, Object key) {
        return field + "[" + key + "]";
    }

    public InvalidConfigException fail(String field, String problem) {
        return new InvalidConfigException(object, field, problem);
    }

    public void check(boolean valid, String field, String problem) {
        if (!valid) {
            throw fail(field, problem);
        }
    }

    public <T> T required(String field, T value) {
        check(value != null, field, "is required");
        return value;
    }

    /** Null means empty: an absent optional is not worth a failure. */
    public <T> Optional<T> optional(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    /** Null means empty. */
    public OptionalInt optional(OptionalInt value) {
        return value == null ? OptionalInt.empty() : value;
    }

    /** An immutable copy; null means empty, a null element is refused. */
    public <T> List<T> list(String field, List<T> values) {
        if (values == null) {
            return List.of();
        }
        for (int i = 0; i < values.size(); i++) {
            required(index(field, i), values.get(i));
        }
        return List.copyOf(values);
    }

    /** {@link #list}, then {@code check} on each element with its indexed field name, e.g. {@code ports[2]}. */
    public <T> List<T> each(String field, List<T> values, BiConsumer<String, ? super T> check) {
        List<T> copy = list(field, values);
        for (int i = 0; i < copy.size(); i++) {
            check.accept(index(field, i), copy.get(i));
        }
        return copy;
    }

    /** An immutable copy; null means empty, a null element is refused. */
    public <T> Set<T> set(String field, Collection<T> values) {
        if (values == null) {
            return Set.of();
        }
        for (T value : values) {
            required(field, value);
        }
        return Set.copyOf(values);
    }

    /** An immutable copy; null means empty, a null key or value is refused. */
    public <K, V> Map<K, V> map(String field, Map<K, V> values) {
        if (values == null) {
            return Map.of();
        }
        values.forEach((key, value) -> {
            check(key != null, field, "has a null key");
            required(index(field, key), value);
        });
        return Map.copyOf(values);
    }

    /** Refuses a list that holds the same element twice (a likely copy-paste mistake in the source). */
    public <T> List<T> distinct(String field, List<T> values) {
        Set<T> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            check(seen.add(values.get(i)), index(field, i), quote(values.get(i)) + " is listed twice");
        }
        return values;
    }

    public String notEmpty(String field, String value) {
        check(!required(field, value).isEmpty(), field, "must not be empty");
        return value;
    }

    /** Printable ASCII without spaces, as in identifiers like workload uids. */
    public String printable(String field, String value, int maxLength) {
        notEmpty(field, value);
        check(value.length() <= maxLength, field, "is longer than " + maxLength + " characters");
        check(PRINTABLE.matcher(value).matches(), field, quote(value) + " has a character outside printable ASCII");
        return value;
    }

    /** An RFC 1123 DNS label, as Kubernetes requires for namespaces and port names. */
    public String dnsLabel(String field, String value) {
        check(DNS_LABEL.matcher(required(field, value)).matches(), field, quote(value)
                + " is not a DNS label (lower-case letters, digits and '-', at most 63 characters)");
        return value;
    }

    /** An RFC 1123 DNS subdomain, as Kubernetes requires for most object names, and as hostnames are written. */
    public String dnsSubdomain(String field, String value) {
        check(DNS_SUBDOMAIN.matcher(required(field, value)).matches(), field, quote(value)
                + " is not a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)");
        return value;
    }

    /** Kubernetes label keys ({@code [prefix/]name}) and values. */
    public Map<String, String> labels(String field, Map<String, String> labels) {
        Map<String, String> copy = map(field, labels);
        copy.forEach((key, value) -> {
            int slash = key.indexOf('/');
            boolean validKey = slash < 0 ? LABEL_NAME.matcher(key).matches()
                    : DNS_SUBDOMAIN.matcher(key.substring(0, slash)).matches()
                            && LABEL_NAME.matcher(key.substring(slash + 1)).matches();
            check(validKey, field, quote(key) + " is not a valid label key");
            labelValue(index(field, key), value);
        });
        return copy;
    }

    public String labelValue(String field, String value) {
        check(required(field, value).isEmpty() || LABEL_NAME.matcher(value).matches(), field,
                quote(value) + " is not a valid label value (at most 63 letters, digits, '-', '_' or '.')");
        return value;
    }

    /** An HTTP token: header names and methods. */
    public String token(String field, String value) {
        check(TOKEN.matcher(required(field, value)).matches(), field, quote(value) + " is not an HTTP token");
        return value;
    }

    /** A header value that cannot split a header block: no CR, LF or NUL. */
    public String headerValue(String field, String value) {
        check(required(field, value).chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0), field,
                "header value contains CR, LF or NUL");
        return value;
    }

    public String regex(String field, String value) {
        check(required(field, value).length() <= MAX_REGEX_LENGTH, field,
                "regex is longer than " + MAX_REGEX_LENGTH + " characters");
        try {
            Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw fail(field, quote(value) + " is not a valid regex: " + e.getDescription());
        }
        return value;
    }

    public int range(String field, int value, int min, int max) {
        check(value >= min && value <= max, field, value + " is not within " + min + ".." + max);
        return value;
    }

    public int port(String field, int value) {
        return range(field, value, 1, 65535);
    }

    /** An optional port; null means empty. */
    public OptionalInt port(String field, OptionalInt value) {
        OptionalInt port = optional(value);
        port.ifPresent(present -> port(field, present));
        return port;
    }

    public double percentage(String field, double value) {
        return fraction(field, value, 100);
    }

    /** A number within 0..max; NaN is refused. */
    public double fraction(String field, double value, int max) {
        check(value >= 0 && value <= max, field, number(value) + " is not within 0.." + max);
        return value;
    }

    public Duration nonNegative(String field, Duration value) {
        check(!required(field, value).isNegative(), field, quote(value) + " is negative");
        return value;
    }

    public Duration positive(String field, Duration value) {
        check(!required(field, value).isNegative() && !value.isZero(), field, quote(value) + " is not positive");
        return value;
    }

    /** A zone index only means something on one host, so an address carrying one cannot be shared config. */
    public InetAddress address(String field, InetAddress value) {
        if (required(field, value) instanceof Inet6Address) {
            Inet6Address v6 = (Inet6Address) value;
            check(v6.getScopeId() == 0 && v6.getScopedInterface() == null, field,
                    quote(value.getHostAddress()) + " has a zone index");
        }
        return value;
    }

    public List<InetAddress> addresses(String field, List<InetAddress> values) {
        return distinct(field, each(field, values, this::address));
    }

    private static String quote(Object value) {
        if (value instanceof Number) {
            return value.toString();
        }
        return "'" + (value instanceof InetAddress ? ((InetAddress) value).getHostAddress() : value) + "'";
    }

    /** 150.0 reads as {@code 150}, 12.5 as {@code 12.5}. */
    private static String number(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
