package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Totals of the per-CPU {@code stats} map: connections steered to the tunnel, STRICT drops. */
public record SteeringCounters(long redirects, long strictDrops) {

    static final String MAP_NAME = "stats";
    private static final int REDIRECTS = 0;
    private static final int STRICT_DROPS = 1;

    static SteeringCounters read(BpfMap stats) {
        return new SteeringCounters(sum(stats, REDIRECTS), sum(stats, STRICT_DROPS));
    }

    /** Each CPU has its own u64 slot (8-byte aligned already). */
    private static long sum(BpfMap stats, int index) {
        byte[] key = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(index).array();
        ByteBuffer perCpu = ByteBuffer.wrap(stats.lookup(key).orElseThrow()).order(ByteOrder.nativeOrder());
        long total = 0;
        while (perCpu.hasRemaining()) {
            total += perCpu.getLong();
        }
        return total;
    }
}
