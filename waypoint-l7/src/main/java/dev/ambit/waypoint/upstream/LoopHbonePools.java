package dev.ambit.waypoint.upstream;

import dev.ambit.ztunnel.hbone.HbonePool;
import dev.ambit.ztunnel.hbone.HboneSettings;
import dev.ambit.ztunnel.tls.TlsContextSource;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link HbonePool} per event loop. A pool hands out streams of whichever of its connections has room, and a
 * stream lives on its connection's loop; the waypoint's upstream pools need streams on the exchange's own loop (they
 * install handlers and read without locks), so each loop gets a pool whose connections it dialed itself.
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
