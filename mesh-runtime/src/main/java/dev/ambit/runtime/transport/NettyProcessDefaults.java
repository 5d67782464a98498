package dev.ambit.runtime.transport;

/**
 * Netty settings of a mesh process (node agent, node tunnel, waypoint, controller), applied by its {@code main} before
 * any Netty class loads. Each is a default: a {@code -D} given on the command line wins.
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
 *
 * <p>One buffer allocator per process: Netty's default allocator (which Netty itself uses where no channel's is at
 * hand, e.g. BoringSSL's set-up) is the pooled one the mesh's channels use, sized by the process's options file,
 * and gRPC's Netty transport uses it too instead of building its own pool. Netty 4.2's default would otherwise be its
 * adaptive allocator, and gRPC's another pooled one: three sets of chunks and thread caches, 3-6 MiB more RSS in a
 * waypoint at rest.
 *
 * <p>Netty's JFR events for buffers are off. The first buffer allocated initialises their event classes, and with
 * them JFR's metadata repository, whether or not anything records: about 100 ms of the main thread's CPU and 130
 * classes in every start (a waypoint: 1.7-1.9 s of CPU to ready instead of 2.0-2.2; bench/RESULTS.md, session 17).
 * A JFR recording of Netty's buffers needs {@code -Dio.netty.jfr.enabled=true}.
 */
public final class NettyProcessDefaults {

    static final String LEAK_SAMPLING_PROPERTY = "io.netty.leakDetection.samplingInterval";
    static final int LEAK_SAMPLING_INTERVAL = 1024;
    static final String RECYCLER_CHUNK_PROPERTY = "io.netty.recycler.chunkSize";
    static final int RECYCLER_CHUNK_SIZE = 128;
    static final String ALLOCATOR_TYPE_PROPERTY = "io.netty.allocator.type";
    static final String GRPC_OWN_ALLOCATOR_PROPERTY = "io.grpc.netty.useCustomAllocator";
    static final String JFR_EVENTS_PROPERTY = "io.netty.jfr.enabled";

    private NettyProcessDefaults() {
    }

    public static void apply() {
        setDefault(LEAK_SAMPLING_PROPERTY, Integer.toString(LEAK_SAMPLING_INTERVAL));
        setDefault(RECYCLER_CHUNK_PROPERTY, Integer.toString(RECYCLER_CHUNK_SIZE));
        setDefault(ALLOCATOR_TYPE_PROPERTY, "pooled");
        setDefault(GRPC_OWN_ALLOCATOR_PROPERTY, "false");
        setDefault(JFR_EVENTS_PROPERTY, "false");
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
