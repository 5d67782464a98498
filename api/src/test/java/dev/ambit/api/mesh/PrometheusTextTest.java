package dev.ambit.api.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.mesh.PrometheusText.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void readsNamesLabelsAndValuesAndSkipsCommentsAndBrokenLines() {
        List<Sample> samples = PrometheusText.parse("""
                # HELP a_total A counter
                # TYPE a_total counter
                a_total{x="1",y="with \\"quotes\\", a comma and \\\\ a backslash"} 12.0
                b 3 1700000000000
                c_bucket{le="+Inf"} +Inf
                broken{x="no end 4
                d{} NaN

                e{x="1"} not-a-number
                """);

        assertEquals(4, samples.size(), samples.toString());
        assertEquals(new Sample("a_total", Map.of("x", "1", "y", "with \"quotes\", a comma and \\ a backslash"),
                12.0), samples.get(0));
        assertEquals(new Sample("b", Map.of(), 3.0), samples.get(1));
        assertEquals(Double.POSITIVE_INFINITY, samples.get(2).value());
        assertEquals("+Inf", samples.get(2).label("le"));
        assertEquals("d", samples.get(3).name());
    }
}
