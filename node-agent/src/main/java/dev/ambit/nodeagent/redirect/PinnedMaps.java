package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.BpfMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only descriptors of the agent's pinned maps that the tunnel reads: original destinations, enrollments,
 * steering counters, STRICT drops by flow and the steering's config. Their kernel ids tell whether the pins still name these maps or an
 * agent made new ones.
 */
final class PinnedMaps implements AutoCloseable {

    static final List<String> NAMES =
            List.of(OriginalDestinationMap.MAP_NAME, PodEnroller.MAP_NAME, SteeringCounters.MAP_NAME,
                    RedirectorConfig.CONFIG_MAP, StrictDrops.MAP_NAME);

    private final Map<String, BpfMap> maps;
    private final OriginalDestinationMap originalDestinations;

    private PinnedMaps(Map<String, BpfMap> maps) {
        this.maps = maps;
        this.originalDestinations = new OriginalDestinationMap(maps.get(OriginalDestinationMap.MAP_NAME));
    }

    /** Opens every map or none; throws naming the first pin that could not be opened. */
    static PinnedMaps open(PinLayout pins) {
        Map<String, BpfMap> opened = new LinkedHashMap<>();
        try {
            for (String name : NAMES) {
                opened.put(name, BpfMap.openPinnedReadOnly(pins.map(name)));
            }
            return new PinnedMaps(opened);
        } catch (RuntimeException e) {
            opened.values().forEach(BpfMap::close);
            throw e;
        }
    }

    /** Whether some pin now names another map than the one held; a pin that is gone names nothing new. */
    boolean replacedIn(PinLayout pins) {
        for (Map.Entry<String, BpfMap> held : maps.entrySet()) {
            Path pin = pins.map(held.getKey());
            if (!Files.exists(pin)) {
                continue;
            }
            try (BpfMap pinned = BpfMap.openPinnedReadOnly(pin)) {
                if (pinned.id() != held.getValue().id()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Map name to kernel id, for logs and for checking that an agent restart kept the same maps. */
    Map<String, Integer> ids() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        maps.forEach((name, map) -> ids.put(name, map.id()));
        return ids;
    }

    OriginalDestinationMap originalDestinations() {
        return originalDestinations;
    }

    int enrolledPods() {
        return maps.get(PodEnroller.MAP_NAME).keys().size();
    }

    SteeringCounters counters() {
        return SteeringCounters.read(maps.get(SteeringCounters.MAP_NAME));
    }

    List<StrictDrops.Flow> strictDrops() {
        return StrictDrops.read(maps.get(StrictDrops.MAP_NAME));
    }

    /** Whether the agent steers with the socket fast path (sk_msg) on, as its config map says now. */
    boolean socketFastPath() {
        return maps.get(RedirectorConfig.CONFIG_MAP).lookup(RedirectorConfig.tunnelConfigKey())
                .map(RedirectorConfig::socketFastPathIn)
                .orElse(false);
    }

    @Override
    public void close() {
        maps.values().forEach(BpfMap::close);
    }
}
