package dev.ambit.nodeagent.tunnel;

import dev.ambit.runtime.transport.Transport;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a tunnel unready while the agent steers with the socket fast path and the tunnel's transport cannot read
 * fast-path sockets (plain io_uring: they stall, see {@link Transport#forSocketFastPath()}). The tunnel picks its
 * transport at start, from its own {@code --socket-fast-path} or the pins of an agent already running; an agent that
 * turns the fast path on later, beside a tunnel on plain io_uring, is a misconfiguration. Readiness does not stop
 * the steering, so connections still stall: what this adds is an unready pod and a log line that name the cause.
 */
final class FastPathTransportGuard {

    private static final Logger log = LoggerFactory.getLogger(FastPathTransportGuard.class);

    private final String transport;
    private final boolean readsFastPathSockets;
    private final Supplier<Optional<Boolean>> steeringFastPath;
    private volatile boolean lastSuitable = true;

    FastPathTransportGuard(Transport transport, Supplier<Optional<Boolean>> steeringFastPath) {
        this(transport.name(), transport.readsQueuedDataWithoutWakeUp(), steeringFastPath);
    }

    FastPathTransportGuard(String transport, boolean readsFastPathSockets,
            Supplier<Optional<Boolean>> steeringFastPath) {
        this.transport = transport;
        this.readsFastPathSockets = readsFastPathSockets;
        this.steeringFastPath = steeringFastPath;
    }

    /**
     * Whether this tunnel's transport can read what the steering sends it; logs when the answer changes. Called by
     * readiness probes on an event loop: costs one array-map lookup, and only on plain io_uring. A lookup that fails
     * (maps being replaced) keeps the last answer rather than failing the probe.
     */
    boolean suitable() {
        if (readsFastPathSockets) {
            return true;
        }
        boolean suitable;
        try {
            suitable = !steeringFastPath.get().orElse(false);
        } catch (RuntimeException e) {
            log.debug("event=tunnel_transport_check_failed transport={} error=\"{}\"", transport, e.toString());
            return lastSuitable;
        }
        if (suitable != lastSuitable) {
            lastSuitable = suitable;
            if (suitable) {
                log.info("event=tunnel_transport_suitable transport={}", transport);
            } else {
                log.error("event=tunnel_transport_unsuitable transport={} problem=\"the agent steers with"
                        + " --socket-fast-path, whose sockets this transport cannot read without stalling; start"
                        + " node-agent tunnel with --socket-fast-path as well (io_uring then reads into a buffer"
                        + " ring)\"", transport);
            }
        }
        return suitable;
    }
}
