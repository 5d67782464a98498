package dev.ambit.control.graph;

import java.util.Map;
import java.util.TreeMap;

/** A quantile from classic histogram buckets, as PromQL's {@code histogram_quantile} estimates it. */
final class Quantiles {

    private Quantiles() {
    }

    /**
     * The {@code q} quantile of the observations made between {@code before} and {@code now} (cumulative bucket
     * counts by upper bound), interpolated linearly within its bucket; null when there were none. A quantile in the
     * {@code +Inf} bucket is the highest finite bound.
     */
    static Double fromBuckets(double q, Map<Double, Double> now, Map<Double, Double> before) {
        TreeMap<Double, Double> delta = new TreeMap<>();
        now.forEach((le, count) -> delta.put(le, Math.max(0, count - before.getOrDefault(le, 0.0))));
        if (delta.isEmpty() || delta.lastEntry().getValue() <= 0) {
            return null;
        }
        double total = delta.lastEntry().getValue();
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : delta.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - lowerCount;
                double share = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                return lowerBound + (bucket.getKey() - lowerBound) * share;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }
}
