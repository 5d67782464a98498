package dev.ambit.bench.control;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of samples. */
final class Percentiles {

    private final long[] sorted;

    Percentiles(long[] samples) {
        sorted = samples.clone();
        Arrays.sort(sorted);
    }

    long at(double percent) {
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
