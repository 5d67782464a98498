package dev.ambit.runtime.transport;

/**
 * Netty settings of a data-plane process (node tunnel, waypoint), applied by its {@code main} before any Netty class
 * loads. Each is a default: a {@code -D} given on the command line wins.
 *
 * <p>Leak detection stays on (Netty's SIMPLE level), sampling one buffer in {@value #LEAK_SAMPLING_INTERVAL}
 * instead of one in 128. Each sampled buffer records a stack trace when it is allocated and again when it is
 * released, and the tunnel's and waypoint's pipelines are deep: at 128, those traces were 2.5 % of a tunnel's CPU
 * under bulk load and of a waypoint's under h2c load (perf, bench, 2026-12-04). A leak is a steady trickle, so one in
 * 1,024 still reports it, a little later. Tests run with {@code paranoid}, which tracks every buffer.
 *
 * <p>Netty's object recycler keeps up to {@value #RECYCLER_CHUNK_SIZE} freed objects (buffers' wrappers, pipeline
 * tasks) per thread on a fast path instead of 32. An event loop frees in bursts (a read of many HTTP/2 streams, an
 * io_uring completion batch releasing the buffers of many writes): past the fast path's size, each further release
 * asks the JVM whether the object's owner thread has terminated ({@code Thread.getState}), which was 2.1 % of the
 * waypoint's CPU under h2c load, and 0 % at 128 (async-profiler, bench/RESULTS.md, session 16).
 */
public final class NettyProcessDefaults {

    static final String LEAK_SAMPLING_PROPERTY = "io.netty.leakDetection.samplingInterval";
    static final int LEAK_SAMPLING_INTERVAL = 1024;
    static final String RECYCLER_CHUNK_PROPERTY = "io.netty.recycler.chunkSize";
    static final int RECYCLER_CHUNK_SIZE = 128;

    private NettyProcessDefaults() {
    }

    public static void apply() {
        setDefault(LEAK_SAMPLING_PROPERTY, LEAK_SAMPLING_INTERVAL);
        setDefault(RECYCLER_CHUNK_PROPERTY, RECYCLER_CHUNK_SIZE);
    }

    private static void setDefault(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
