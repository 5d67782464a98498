package dev.ambit.control.stream;

import com.google.rpc.Status;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.control.model.ConfigEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One resource type on one client's stream: what the client holds (acknowledged versions), the push awaiting its
 * answer (at most one: the ACK is the flow control), what it subscribed to, and what it rejected.
 *
 * <p>A NACK names no resource, so a rejected push of several resources is bisected: its halves go out again, one
 * at a time, until the single bad resource is found. That version is then never sent again; a new version of it is.
 * Confined to its client's lock.
 */
final class TypeStream {

    /** Keeps pushes well under the 4 MiB a gRPC client accepts by default; one oversized resource still goes alone. */
    static final int MAX_PUSH_BYTES = 1 << 20;

    /** What the client was sent and has not answered yet. */
    private record InFlight(String nonce, Map<String, String> sent, List<String> removed, long sentAtNanos) {
    }

    /** The outcome of a client's answer. */
    enum Answer { ACK, NACK, STALE }

    private final ResourceType type;
    private final Map<String, String> acked;
    private final Map<String, String> rejected = new HashMap<>();
    private final Deque<Map<String, String>> suspects = new ArrayDeque<>();
    /** Null: everything the client is entitled to. */
    private Set<String> subscribed;
    private InFlight inFlight;

    TypeStream(ResourceType type, Map<String, String> initialVersions) {
        this.type = type;
        this.acked = new HashMap<>(initialVersions);
    }

    ResourceType type() {
        return type;
    }

    void subscribe(List<String> names, List<String> unsubscribe) {
        if (names.contains("*")) {
            subscribed = null;
        } else if (!names.isEmpty()) {
            if (subscribed == null) {
                subscribed = new HashSet<>();
            }
            subscribed.addAll(names);
        }
        if (!unsubscribe.isEmpty()) {
            if (subscribed == null) {
                subscribed = new HashSet<>();
            }
            subscribed.removeAll(unsubscribe);
        }
    }

    boolean awaitingAnswer() {
        return inFlight != null;
    }

    /** {@link System#nanoTime()} the unanswered push went out; meaningful only while {@link #awaitingAnswer()}. */
    long sentAtNanos() {
        return inFlight.sentAtNanos();
    }

    String pendingNonce() {
        return inFlight == null ? "" : inFlight.nonce();
    }

    /** The next push that brings the client towards {@code desired}, or null when it is in sync. */
    ConfigResponse nextPush(Map<String, ConfigEntry> desired, String nonce, long snapshotVersion) {
        Map<String, ConfigEntry> wanted = subscribed == null ? desired : restrict(desired);
        List<ConfigEntry> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        while (changed.isEmpty() && !suspects.isEmpty()) {
            suspects.poll().forEach((name, version) -> {
                ConfigEntry entry = wanted.get(name);
                if (entry != null && entry.version().equals(version) && !version.equals(acked.get(name))) {
                    changed.add(entry);
                }
            });
        }
        if (changed.isEmpty()) {
            wanted.forEach((name, entry) -> {
                if (!entry.version().equals(acked.get(name)) && !entry.version().equals(rejected.get(name))) {
                    changed.add(entry);
                }
            });
            acked.keySet().stream().filter(name -> !wanted.containsKey(name)).forEach(removed::add);
        }
        if (changed.isEmpty() && removed.isEmpty()) {
            return null;
        }
        ConfigResponse.Builder push = ConfigResponse.newBuilder().setTypeUrl(type.typeUrl()).setNonce(nonce)
                .setSystemVersionInfo(Long.toString(snapshotVersion)).addAllRemovedResources(removed);
        Map<String, String> sent = new LinkedHashMap<>();
        int bytes = 0;
        for (ConfigEntry entry : changed) {
            int size = entry.resource().getSerializedSize();
            if (!sent.isEmpty() && bytes + size > MAX_PUSH_BYTES) {
                break;
            }
            push.addResources(entry.resource());
            sent.put(entry.name(), entry.version());
            bytes += size;
        }
        inFlight = new InFlight(nonce, sent, removed, System.nanoTime());
        return push.build();
    }

    /** Applies the client's answer to the push named {@code nonce}; a null {@code error} is an ACK. */
    Answer answer(String nonce, Status error) {
        if (inFlight == null || !inFlight.nonce().equals(nonce)) {
            return Answer.STALE;
        }
        InFlight answered = inFlight;
        inFlight = null;
        if (error == null) {
            acked.putAll(answered.sent());
            answered.removed().forEach(acked::remove);
            answered.sent().keySet().forEach(rejected::remove);
            return Answer.ACK;
        }
        if (answered.sent().size() == 1) {
            rejected.putAll(answered.sent());
        } else if (!answered.sent().isEmpty()) {
            List<Map.Entry<String, String>> entries = new ArrayList<>(answered.sent().entrySet());
            int half = entries.size() / 2;
            suspects.addFirst(toMap(entries.subList(half, entries.size())));
            suspects.addFirst(toMap(entries.subList(0, half)));
        }
        return Answer.NACK;
    }

    private Map<String, ConfigEntry> restrict(Map<String, ConfigEntry> desired) {
        Map<String, ConfigEntry> kept = new HashMap<>();
        for (String name : subscribed) {
            ConfigEntry entry = desired.get(name);
            if (entry != null) {
                kept.put(name, entry);
            }
        }
        return kept;
    }

    private static Map<String, String> toMap(List<Map.Entry<String, String>> entries) {
        Map<String, String> map = new LinkedHashMap<>();
        entries.forEach(entry -> map.put(entry.getKey(), entry.getValue()));
        return map;
    }
}
