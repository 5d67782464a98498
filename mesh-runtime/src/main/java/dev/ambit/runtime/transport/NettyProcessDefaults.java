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
 */
public final class NettyProcessDefaults {

    static final String LEAK_SAMPLING_PROPERTY = "io.netty.leakDetection.samplingInterval";
    static final int LEAK_SAMPLING_INTERVAL = 1024;

    private NettyProcessDefaults() {
    }

    public static void apply() {
        if (System.getProperty(LEAK_SAMPLING_PROPERTY) == null) {
            System.setProperty(LEAK_SAMPLING_PROPERTY, Integer.toString(LEAK_SAMPLING_INTERVAL));
        }
    }
}
