package dev.ambit.api.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.mesh.PrometheusText.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reading {@code ambit agent status} uses: samples as the lenient one, and a clear error otherwise. */
class PrometheusTextStrictTest {

    @Test
    void readsSamplesWithAndWithoutLabelsSkippingComments() {
        List<Sample> samples = PrometheusText.parseStrict("""
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
                () -> PrometheusText.parseStrict("# fine\n<html>{oops</html>"));
        assertEquals("not Prometheus text, line 2: <html>{oops</html>", error.getMessage());
    }
}
