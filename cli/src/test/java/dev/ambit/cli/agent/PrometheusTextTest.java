package dev.ambit.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.cli.agent.PrometheusText.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void readsSamplesWithAndWithoutLabelsSkippingComments() {
        List<Sample> samples = PrometheusText.parse("""
                # HELP x help text
                # TYPE x gauge
                x 1.5
                y{a="1",b="with \\"quotes\\", a comma and a \\\\ backslash"} 2 1700000000000
                z{le="+Inf"} +Inf
                """);
        assertEquals(List.of(new Sample("x", Map.of(), 1.5),
                new Sample("y", Map.of("a", "1", "b", "with \"quotes\", a comma and a \\ backslash"), 2),
                new Sample("z", Map.of("le", "+Inf"), Double.POSITIVE_INFINITY)), samples);
    }

    @Test
    void somethingElseIsRefusedNamingTheLine() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PrometheusText.parse("# fine\n<html>{oops</html>"));
        assertEquals("not Prometheus text, line 2: <html>{oops</html>", error.getMessage());
    }
}
