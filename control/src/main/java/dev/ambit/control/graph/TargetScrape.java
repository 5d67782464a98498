package dev.ambit.control.graph;

import dev.ambit.api.mesh.PrometheusText;
import dev.ambit.api.mesh.PrometheusText.Sample;
import java.util.List;

/** One endpoint's answer in one round: its samples, or why there are none ({@code error}). */
public record TargetScrape(ScrapeTarget target, List<Sample> samples, String error) {

    public static TargetScrape ok(ScrapeTarget target, List<Sample> samples) {
        return new TargetScrape(target, List.copyOf(samples), null);
    }

    public static TargetScrape failed(ScrapeTarget target, String error) {
        return new TargetScrape(target, List.of(), error);
    }

    public boolean ok() {
        return error == null;
    }
}
