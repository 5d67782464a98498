package dev.ambit.api.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {

    @Test
    void offByDefault() {
        TracingSettings none = TracingSettings.parse(null, null);
        assertFalse(none.enabled());
        assertEquals(List.of(), none.toFlags());
        assertFalse(TracingSettings.parse("  ", "0.5").enabled());
    }

    @Test
    void anEndpointWithoutAPathGetsTheOtlpTracesPath() {
        TracingSettings settings = TracingSettings.parse("http://collector.obs:4318", "0.25");
        assertEquals(Optional.of(URI.create("http://collector.obs:4318/v1/traces")), settings.endpoint());
        assertEquals(0.25, settings.sampling());
        assertEquals(URI.create("https://c:443/custom/path"),
                TracingSettings.parse("https://c:443/custom/path", "").endpoint().orElseThrow());
        assertEquals(1.0, TracingSettings.parse("http://c", null).sampling());
    }

    @Test
    void flagsRoundTrip() {
        TracingSettings settings = TracingSettings.parse("http://10.0.0.1:4318/", "0");
        List<String> flags = settings.toFlags();
        assertEquals(List.of("--tracing-endpoint=http://10.0.0.1:4318/v1/traces", "--tracing-sampling=0.0"), flags);
        assertEquals(settings, TracingSettings.parse(flags.get(0).split("=", 2)[1], flags.get(1).split("=", 2)[1]));
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertMessage("--tracing-sampling must be a number from 0 to 1, got '1.5'", "http://c", "1.5");
        assertMessage("--tracing-sampling must be a number from 0 to 1, got '-0.1'", "http://c", "-0.1");
        assertMessage("--tracing-sampling must be a number from 0 to 1, got 'NaN'", "http://c", "NaN");
        assertMessage("--tracing-sampling must be a number from 0 to 1, got 'half'", "http://c", "half");
        assertMessage("--tracing-endpoint must be an http:// or https:// URL of an OTLP/HTTP collector, got "
                + "'grpc://c:4317'", "grpc://c:4317", "1");
        assertMessage("--tracing-endpoint must be an http:// or https:// URL of an OTLP/HTTP collector, got "
                + "'collector:4318'", "collector:4318", "1");
        assertMessage("--tracing-endpoint has no host: 'http:///v1/traces'", "http:///v1/traces", "1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TracingSettings.parse("http://c d", "1"))
                .getMessage().startsWith("--tracing-endpoint is not a URL: 'http://c d'"));
        assertMessage("--tracing-endpoint must not carry user info, a query or a fragment: 'http://u:p@c/'",
                "http://u:p@c/", "1");
        assertThrows(IllegalArgumentException.class, () -> new TracingSettings(Optional.empty(), 2));
    }

    private static void assertMessage(String expected, String endpoint, String sampling) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class,
                () -> TracingSettings.parse(endpoint, sampling)).getMessage());
    }
}
