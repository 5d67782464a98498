package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.LibbpfException;
import dev.ambit.host.Bpffs;
import dev.ambit.host.MountTable;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node tunnel's view of the agent's steering, read from the agent's pins: where each steered connection was
 * going, and the enrollment and counter figures of the node's metrics. The tunnel is another process than the
 * agent: it may start first, and it outlives agent restarts. So the pins are followed, not opened once: until they
 * exist they are looked for every period (lookups find nothing meanwhile, and {@link #opened()} is false); an agent
 * restart adopts the pinned maps and changes nothing here, but maps made anew (after an uninstall) are re-opened.
 */
public final class PinnedSteeringView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedSteeringView.class);
    private static final int ENOENT = 2;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    /** Lookups in flight may still use replaced maps: their descriptors close this much later. */
    private static final Duration REPLACED_MAPS_GRACE = Duration.ofSeconds(5);
    private static final Duration REPEAT_PROBLEM_LOG = Duration.ofSeconds(30);

    private final PinLayout pins;
    private final Duration period;
    private final ScheduledExecutorService follower;
    private volatile PinnedMaps current;
    private volatile boolean closed;
    /** Written by one thread at a time: the caller of follow(), then the follower. */
    private volatile String lastProblem = "";
    private long lastProblemLoggedNanos;

    private PinnedSteeringView(PinLayout pins, Duration period, ScheduledExecutorService follower) {
        this.pins = pins;
        this.period = period;
        this.follower = follower;
    }

    /** Opens the pins under {@code pinRoot} now if they exist, and keeps looking every {@code period}. */
    public static PinnedSteeringView follow(Path pinRoot, Duration period) {
        ScheduledExecutorService follower = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-pin-follower");
            thread.setDaemon(true);
            return thread;
        });
        PinnedSteeringView view = new PinnedSteeringView(new PinLayout(pinRoot.toAbsolutePath().normalize()), period,
                follower);
        // The first look is made here, so that a tunnel starting after its agent has the maps at once.
        view.check();
        follower.scheduleWithFixedDelay(view::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return view;
    }

    /** Whether the agent's maps are open: until then, no accepted connection has a known original destination. */
    public boolean opened() {
        return current != null;
    }

    /** Why the maps are not open (or could not be re-opened), in one sentence; empty when all is well. */
    public Optional<String> problem() {
        return lastProblem.isEmpty() ? Optional.empty() : Optional.of(lastProblem);
    }

    /** Map name to kernel id of the maps in use, empty before they are opened. */
    public Map<String, Integer> mapIds() {
        PinnedMaps maps = current;
        return maps == null ? Map.of() : maps.ids();
    }

    /** The original destination of the steered connection from {@code peer}; empty when unknown. */
    public Optional<InetSocketAddress> originalDestination(InetSocketAddress peer) {
        PinnedMaps maps = current;
        return maps == null ? Optional.empty() : maps.originalDestinations().lookup(peer);
    }

    public OptionalInt enrolledPods() {
        PinnedMaps maps = current;
        return maps == null ? OptionalInt.empty() : OptionalInt.of(maps.enrolledPods());
    }

    /** Whether the agent's steering has the socket fast path on; empty before the maps are opened. */
    public Optional<Boolean> socketFastPath() {
        PinnedMaps maps = current;
        return maps == null ? Optional.empty() : Optional.of(maps.socketFastPath());
    }

    /** STRICT drops by source and destination address; empty before the maps are opened. */
    public Optional<List<StrictDrops.Flow>> strictDrops() {
        PinnedMaps maps = current;
        return maps == null ? Optional.empty() : Optional.of(maps.strictDrops());
    }

    public Optional<SteeringCounters> counters() {
        PinnedMaps maps = current;
        return maps == null ? Optional.empty() : Optional.of(maps.counters());
    }

    @Override
    public void close() {
        closed = true;
        follower.shutdownNow();
        try {
            follower.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PinnedMaps maps = current;
        current = null;
        if (maps != null) {
            maps.close();
        }
    }

    private void check() {
        if (closed) {
            return;
        }
        PinnedMaps held = current;
        try {
            if (held == null) {
                current = PinnedMaps.open(pins);
                LOG.info("event=steering_pins_opened pin_root={} maps={} access=read-only", pins.root(), current.ids());
                lastProblem = "";
            } else if (held.replacedIn(pins)) {
                PinnedMaps next = PinnedMaps.open(pins);
                lastProblem = "";
                current = next;
                follower.schedule(held::close, REPLACED_MAPS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                LOG.warn("event=steering_pins_reopened pin_root={} reason=maps_replaced old_maps={} maps={}",
                        pins.root(), held.ids(), next.ids());
            }
        } catch (RuntimeException e) {
            logProblem(problem(e));
        }
    }

    /** What is wrong, in one sentence with what to do: the same problem is logged again only now and then. */
    private String problem(RuntimeException e) {
        if (!Bpffs.isOnBpffs(pins.root(), MountTable.read())) {
            return pins.root() + " is not on a bpffs mount: the tunnel must see the host's bpffs (e.g. /sys/fs/bpf)"
                    + " where node-agent run pins the steering";
        }
        if (e instanceof LibbpfException failure && failure.errno() == ENOENT) {
            return "no steering pins under " + pins.root() + " yet: waiting for node-agent run on this node to"
                    + " create them (is it running, with the same --pin-root?)";
        }
        if (e instanceof LibbpfException failure && (failure.errno() == EPERM || failure.errno() == EACCES)) {
            return "not allowed to open the steering pins under " + pins.root() + " (" + e.getMessage() + "): the"
                    + " tunnel must run as uid 0, which owns them, and with CAP_BPF on kernels before 5.19";
        }
        return "cannot open the steering pins under " + pins.root() + ": " + e.getMessage();
    }

    private void logProblem(String problem) {
        long now = System.nanoTime();
        if (problem.equals(lastProblem) && now - lastProblemLoggedNanos < REPEAT_PROBLEM_LOG.toNanos()) {
            return;
        }
        lastProblem = problem;
        lastProblemLoggedNanos = now;
        LOG.warn("event=steering_pins_unavailable pin_root={} retry_ms={} problem=\"{}\"", pins.root(),
                period.toMillis(), problem);
    }
}
