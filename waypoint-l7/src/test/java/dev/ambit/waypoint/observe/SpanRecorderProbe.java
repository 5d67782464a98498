package dev.ambit.waypoint.observe;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.testbed.otlp.OtlpTestCollector;
import dev.ambit.waypoint.WaypointSettings;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.time.Duration;

/**
 * A JVM of its own for {@link TracingClassLoadingTest}: a waypoint serves a few requests with tracing off
 * ({@code off}) or on ({@code on}, to a test collector, waiting for the spans), then the process exits.
 */
public final class SpanRecorderProbe {

    public static void main(String[] args) throws Exception {
        boolean on = args[0].equals("on");
        try (OtlpTestCollector collector = OtlpTestCollector.startOnLoopback();
             TestBackend backend = TestBackend.http1("ratings")) {
            SpanRecorder spans = SpanRecorder.open(on ? TracingSettings.parse(collector.endpoint(), "1")
                    : TracingSettings.OFF, "probe.demo");
            try (WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults(), spans)) {
                waypoint.update(new Mesh().service("ratings", backend.port()).config());
                Http1Client client = new Http1Client(waypoint.port());
                for (int i = 0; i < 3; i++) {
                    if (client.get("ratings", "/").statusCode() != 200) {
                        throw new IllegalStateException("request failed");
                    }
                }
            }
            spans.close();
            if (on) {
                collector.await(received -> received.size() >= 6, Duration.ofSeconds(20));
            }
        }
        System.out.println("probe=done");
        System.exit(0);
    }
}
