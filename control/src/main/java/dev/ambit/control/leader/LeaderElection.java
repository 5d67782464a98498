package dev.ambit.control.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the controller replicas with a {@code coordination.k8s.io} Lease. Every replica serves
 * config and the CA; only the leader runs {@code onLead} work. A lost lease stops that work and rejoins the
 * election, so a replica that was partitioned away can lead again later. Closing a leader releases the Lease, so
 * another replica takes over at its next retry rather than after the lease duration.
 */
public final class LeaderElection implements LeaderGate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final LeaderElectionConfig config;
    private final AtomicBoolean leading = new AtomicBoolean();
    private boolean closed;
    private CompletableFuture<?> round;

    /**
     * @param leaseDuration how long a silent leader keeps the Lease; it renews within two thirds of it and
     *                      followers retry every seventh of it (15 s, 10 s and about 2 s by default, as client-go)
     */
    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity,
            Duration leaseDuration, Runnable onLead, Runnable onLoss) {
        this.client = client;
        this.config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(leaseDuration.dividedBy(7))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            if (leading.compareAndSet(false, true)) {
                                log.info("event=leader_elected identity={} lease={}/{}", identity, namespace,
                                        leaseName);
                                onLead.run();
                            }
                        },
                        () -> {
                            // fabric8 may report one loss twice: when another holder shows up and when the round ends.
                            if (leading.compareAndSet(true, false)) {
                                log.info("event=leader_lost identity={} lease={}/{}", identity, namespace, leaseName);
                                onLoss.run();
                            }
                        },
                        leader -> log.info("event=leader_changed leader={} lease={}/{}", leader, namespace, leaseName)))
                .build();
    }

    /** Joins the election; each round ends with a lost lease and the next begins, until {@link #close}. */
    public synchronized void start() {
        if (closed) {
            return;
        }
        // A LeaderElector runs once: every round needs a new one.
        round = client.leaderElector().withConfig(config).build().start();
        round.whenComplete((done, error) -> start());
    }

    @Override
    public boolean getAsBoolean() {
        return leading.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (round != null) {
            round.cancel(true);
        }
    }
}
