package dev.ambit.waypoint.observe;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes an {@link Instant} as {@link Instant#toString()} does ({@code 2026-01-02T03:04:05.678Z}: UTC, the fraction in
 * groups of three digits, none when zero) without a {@code DateTimeFormatter}: the date and time of day are formatted
 * once per second and kept. The access log writes one per request, and the formatter was 3 % of the waypoint's CPU.
 * Safe to share between threads: the kept second is an immutable value.
 */
final class InstantText {

    private record Second(long epochSecond, String text) {
    }

    private volatile Second last = new Second(Long.MIN_VALUE, "");

    void append(StringBuilder out, Instant instant) {
        long epochSecond = instant.getEpochSecond();
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
            if (time.getYear() < 0 || time.getYear() > 9999) {
                // Years that Instant writes with a sign or more digits: not worth a second way to format.
                out.append(instant);
                return;
            }
            second = new Second(epochSecond, dateAndTime(time));
            last = second;
        }
        out.append(second.text());
        appendFraction(out, instant.getNano());
        out.append('Z');
    }

    private static String dateAndTime(LocalDateTime time) {
        StringBuilder text = new StringBuilder(19);
        padded(text, time.getYear(), 4).append('-');
        padded(text, time.getMonthValue(), 2).append('-');
        padded(text, time.getDayOfMonth(), 2).append('T');
        padded(text, time.getHour(), 2).append(':');
        padded(text, time.getMinute(), 2).append(':');
        return padded(text, time.getSecond(), 2).toString();
    }

    private static void appendFraction(StringBuilder out, int nano) {
        if (nano == 0) {
            return;
        }
        out.append('.');
        if (nano % 1_000_000 == 0) {
            padded(out, nano / 1_000_000, 3);
        } else if (nano % 1_000 == 0) {
            padded(out, nano / 1_000, 6);
        } else {
            padded(out, nano, 9);
        }
    }

    private static StringBuilder padded(StringBuilder out, int value, int digits) {
        for (int bound = 10, i = 1; i < digits; bound *= 10, i++) {
            if (value < bound) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
