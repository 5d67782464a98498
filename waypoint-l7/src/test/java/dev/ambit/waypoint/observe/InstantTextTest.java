package dev.ambit.waypoint.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {

    private final InstantText text = new InstantText();

    private String written(Instant instant) {
        StringBuilder out = new StringBuilder();
        text.append(out, instant);
        return out.toString();
    }

    @Test
    void writesWhatInstantToStringWrites() {
        for (String instant : new String[] {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.678Z",
                "2026-01-02T03:04:05.000678Z", "2026-01-02T03:04:05.000000678Z", "2026-01-02T03:04:05.100Z",
                "1970-01-01T00:00:00Z", "0001-02-03T04:05:06.007Z", "9999-12-31T23:59:59.999999999Z",
                "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"}) {
            assertEquals(instant, written(Instant.parse(instant)));
        }
    }

    @Test
    void agreesWithInstantToStringOnRandomInstantsInAndAcrossSeconds() {
        SplittableRandom random = new SplittableRandom(7);
        long now = Instant.parse("2026-12-07T12:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long second = i % 2 == 0 ? now + random.nextInt(3) : random.nextLong(-62_000_000_000L, 253_000_000_000L);
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(second, nano);
            assertEquals(instant.toString(), written(instant));
        }
    }
}
