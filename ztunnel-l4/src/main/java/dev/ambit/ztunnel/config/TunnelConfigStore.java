package dev.ambit.ztunnel.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current config, swapped whole when a new one arrives. Readers on the data path take {@link #current()} once per
 * connection and decide everything from that snapshot; connections already established are not re-evaluated.
 */
public final class TunnelConfigStore {

    private static final Logger log = LoggerFactory.getLogger(TunnelConfigStore.class);

    private final List<Consumer<TunnelConfig>> listeners = new CopyOnWriteArrayList<>();
    private volatile TunnelConfig current = TunnelConfig.EMPTY;

    public TunnelConfig current() {
        return current;
    }

    /** Installs {@code config} and tells the listeners, in order, on the caller's thread. */
    public void update(TunnelConfig config) {
        current = config;
        log.info("event=config_updated workloads={}", config.workloads().size());
        listeners.forEach(listener -> listener.accept(config));
    }

    public void onUpdate(Consumer<TunnelConfig> listener) {
        listeners.add(listener);
    }
}
