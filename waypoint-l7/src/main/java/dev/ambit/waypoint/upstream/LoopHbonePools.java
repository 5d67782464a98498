package dev.ambit.waypoint.upstream;

import dev.ambit.runtime.hbone.HbonePool;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link HbonePool} per event loop. The waypoint's upstream pools need streams on the exchange's own loop (they
 * install handlers and read without locks). A shared pool keeps a stream on its caller's loop only while the peer
 * has fewer connections than {@code HbonePool}'s affinity bound; a pool per loop always does, and no loop waits on
 * another's pool lock. The cost: a destination tunnel counts up to one connection per waypoint loop and expected
 * identity against the waypoint's identity, which a waypoint's few loops keep far below the per-peer cap.
 */
public final class LoopHbonePools implements AutoCloseable {

    private final Transport transport;
    private final TlsContextSource contexts;
    private final HboneSettings settings;
    private final Map<EventLoop, HbonePool> pools = new HashMap<>();

    public LoopHbonePools(Transport transport, TlsContextSource contexts, HboneSettings settings) {
        this.transport = transport;
        this.contexts = contexts;
        this.settings = settings;
    }

    /** The pool whose streams all live on {@code loop}. */
    public synchronized HbonePool of(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new HbonePool(transport, contexts, settings));
    }

    /** Open connections close (GOAWAY) once their streams are done; see {@link HbonePool#close()}. */
    @Override
    public synchronized void close() {
        pools.values().forEach(HbonePool::close);
    }
}
