package dev.ambit.ztunnel.outbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.config.TunnelConfigStore;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Holds a redirected connection whose source the tunnel cannot carry yet, until it can or a bounded wait runs out.
 *
 * <p>The node agent enrolls a pod in the kernel's steering while its sandbox is created (the CNI ADD), before the
 * controller has seen the pod's IP: the pod's first connections reach this tunnel before the config that names their
 * source, and before the certificate of the source's identity. Refusing them would break exactly an application's
 * start-up (its secrets, its config); letting them out directly would take them out of the mesh. So they wait, unread,
 * for the config and the certificate, as ztunnel waits for a workload it was told about. A source is carried once its
 * workload is in the config and, when this node holds that workload's identity, the first certificate is in.
 *
 * <p>A wait costs one entry here and a timer; the outbound listener's connection limit bounds both.
 */
public final class PendingSources {

    /** How a wait ended; {@link #label} is the metric's {@code outcome}. */
    public enum Outcome {
        /** The source's workload and certificate are in: route it. */
        READY("ready"),
        /** The wait ran out (or waiting is off): route it as things stand, which refuses it. */
        TIMED_OUT("timed_out"),
        /** The client closed its connection first. */
        CLIENT_CLOSED("client_closed");

        public final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /**
     * The first certificate of an identity this node holds, or empty when the tunnel does not hold it (yet: the
     * config listener that starts holding it may not have run).
     */
    public interface Certificates {
        Optional<? extends CompletionStage<?>> firstCertificate(SpiffeId identity);
    }

    private final TunnelConfigStore config;
    private final String node;
    private final Certificates certificates;
    private final Duration wait;
    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();

    /**
     * Must be made after the tunnel's own config listener that starts holding new identities, so that a config's
     * identities are held when this one looks at it.
     */
    public PendingSources(TunnelConfigStore config, String node, Certificates certificates, Duration wait) {
        this.config = config;
        this.node = node;
        this.certificates = certificates;
        this.wait = wait;
        config.onUpdate(this::configUpdated);
    }

    /** Whether a connection from {@code source} can be carried as {@code current} stands. */
    public boolean ready(InetAddress source, TunnelConfig current) {
        Optional<Workload> workload = current.workload(source);
        if (workload.isEmpty()) {
            return false;
        }
        return !workload.get().ambientOn(node) || certificates.firstCertificate(workload.get().identity())
                .map(first -> first.toCompletableFuture().isDone())
                .orElse(false);
    }

    /**
     * Completes on {@code loop} once {@code source} can be carried, the wait ran out (at once when waiting is off),
     * or {@code closed} (the client's connection) completed first.
     */
    public Future<Outcome> await(InetAddress source, EventLoop loop, Future<?> closed) {
        Promise<Outcome> result = loop.newPromise();
        if (wait.isZero()) {
            return result.setSuccess(Outcome.TIMED_OUT);
        }
        Waiter waiter = new Waiter(source, result);
        // Registered before the first look: a config installed in between is then seen by the listener.
        waiting.add(waiter);
        waiter.timeout = loop.schedule(() -> waiter.finish(Outcome.TIMED_OUT), wait.toNanos(), TimeUnit.NANOSECONDS);
        closed.addListener(f -> waiter.finish(Outcome.CLIENT_CLOSED));
        check(waiter, config.current());
        return result;
    }

    /** Connections waiting now. */
    public int waiting() {
        return waiting.size();
    }

    private void configUpdated(TunnelConfig update) {
        waiting.forEach(waiter -> check(waiter, update));
    }

    private void check(Waiter waiter, TunnelConfig current) {
        Optional<Workload> workload = current.workload(waiter.source);
        if (workload.isEmpty()) {
            return;
        }
        if (!workload.get().ambientOn(node)) {
            waiter.finish(Outcome.READY);
            return;
        }
        certificates.firstCertificate(workload.get().identity())
                .filter(first -> waiter.watchingCertificate.compareAndSet(false, true))
                .ifPresent(first -> first.whenComplete((certificate, error) ->
                        waiter.finish(error == null ? Outcome.READY : Outcome.TIMED_OUT)));
    }

    private final class Waiter {
        final InetAddress source;
        final Promise<Outcome> result;
        final AtomicBoolean watchingCertificate = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Waiter(InetAddress source, Promise<Outcome> result) {
            this.source = source;
            this.result = result;
        }

        void finish(Outcome outcome) {
            if (waiting.remove(this)) {
                ScheduledFuture<?> timer = timeout;
                if (timer != null) {
                    timer.cancel(false);
                }
                result.trySuccess(outcome);
            }
        }
    }
}
