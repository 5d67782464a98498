package dev.ambit.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.format.OutputFormatFactory;

/**
 * Proves every micro-benchmark runs, not how fast: one forked JVM each, one ~100 ms warm-up and measurement
 * iteration, one value of each parameter.
 */
class MicroBenchmarksRunTest {

    private static final String PACKAGE = MicroBenchmark.class.getPackageName() + ".";

    @Test
    void everyBenchmarkRunsAndScores() throws Exception {
        Options options = new OptionsBuilder()
                .include(PACKAGE.replace(".", "\\.") + ".*")
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(100))
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("algorithm", "EWMA")
                .param("kind", "SERVICE")
                .param("payloadBytes", "16384")
                .timeout(TimeValue.seconds(30))
                .verbosity(VerboseMode.SILENT)
                .build();
        long started = System.nanoTime();
        Collection<RunResult> results = new Runner(options).run();

        Set<String> expected = BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(PACKAGE),
                        List.of())
                .stream().map(benchmark -> benchmark.getUsername()).collect(Collectors.toSet());
        Set<String> ran = results.stream().map(result -> result.getParams().getBenchmark()).collect(Collectors.toSet());
        assertEquals(expected, ran);
        for (RunResult result : results) {
            double score = result.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), result.getParams().getBenchmark() + " scored " + score);
        }
        System.out.printf("%d micro-benchmarks ran in %d s%n", results.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
}
