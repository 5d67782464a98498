package dev.ambit.control.model.convert;

import dev.ambit.api.model.InvalidConfigException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Gateway API durations: one to four {@code <number><unit>} parts, units h, m, s, ms; e.g. {@code 1m30s}. */
final class GoDurations {

    private static final Pattern WHOLE = Pattern.compile("([0-9]{1,5}(h|ms|m|s)){1,4}");
    private static final Pattern PART = Pattern.compile("([0-9]{1,5})(h|ms|m|s)");

    private GoDurations() {
    }

    static Duration parse(String field, String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new InvalidConfigException("", field, "'" + text + "' is not a duration such as 250ms, 10s or 1m30s");
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(text);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            });
        }
        return total;
    }

    static Optional<Duration> optional(String field, String text) {
        return text == null || text.isEmpty() ? Optional.empty() : Optional.of(parse(field, text));
    }
}
