package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict} of the chart as the CLI ships it. */
class LintTest {

    @Test
    void chartLintsCleanInStrictMode() {
        try (BundledChart bundled = BundledChart.extract()) {
            LintResult result = new AmbitChart(bundled.directory()).lint();
            assertFalse(result.isFailed(), String.valueOf(result.getMessages()));
            // Helm's only remark is that the chart has no icon.
            assertTrue(result.getMessages().stream().allMatch(message -> message.startsWith("[INFO]")),
                    String.valueOf(result.getMessages()));
        }
    }
}
