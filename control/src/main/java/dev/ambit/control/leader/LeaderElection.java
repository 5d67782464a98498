package dev.ambit.control.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the controller replicas with a {@code coordination.k8s.io} Lease. Every replica serves
 * config and the CA; only the leader runs {@code onLead} work. A lost lease stops that work and rejoins the
 * election, so a replica that was partitioned away can lead again later.
 */
public final class LeaderElection implements LeaderGate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    private final LeaderElector elector;
    private volatile boolean leading;
    private volatile boolean closed;
    private CompletableFuture<?> running;

    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity,
            Runnable onLead, Runnable onLoss) {
        this.elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(LEASE).withRenewDeadline(RENEW_DEADLINE).withRetryPeriod(RETRY_PERIOD)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leading = true;
                            log.info("event=leader_elected identity={} lease={}/{}", identity, namespace, leaseName);
                            onLead.run();
                        },
                        () -> {
                            leading = false;
                            log.info("event=leader_lost identity={} lease={}/{}", identity, namespace, leaseName);
                            onLoss.run();
                        },
                        leader -> log.info("event=leader_changed leader={}", leader)))
                .build()).build();
    }

    public synchronized void start() {
        running = elector.start();
        running.whenComplete((done, error) -> {
            if (!closed) {
                start();
            }
        });
    }

    @Override
    public boolean getAsBoolean() {
        return leading;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (running != null) {
            running.cancel(true);
        }
    }
}
