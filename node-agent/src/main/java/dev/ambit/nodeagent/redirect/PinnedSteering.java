package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.BpfLink;
import dev.ambit.host.bpf.LibbpfException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an agent left in bpffs: pinned links (the attachments) and pinned maps (the state). */
final class PinnedSteering {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedSteering.class);

    private final PinLayout pins;

    PinnedSteering(PinLayout pins) {
        this.pins = pins;
    }

    void createDirectories() {
        try {
            Files.createDirectories(pins.maps());
            Files.createDirectories(pins.links());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the pin directories under " + pins.root(), e);
        }
    }

    /** Detaches and unpins every link, unpins every map and removes the pin root. */
    int removeAll() {
        if (!Files.isDirectory(pins.root())) {
            return 0;
        }
        int removed = removeExcept(Set.of(), Set.of());
        delete(pins.links());
        delete(pins.maps());
        delete(pins.root());
        return removed;
    }

    /** Removes the pins of an earlier version or a crashed run that this one does not use. */
    int removeExcept(Set<String> keptLinks, Set<String> keptMaps) {
        int removed = 0;
        for (Path link : list(pins.links())) {
            if (!keptLinks.contains(link.getFileName().toString())) {
                detachAndUnpin(link);
                removed++;
            }
        }
        for (Path map : list(pins.maps())) {
            if (!keptMaps.contains(map.getFileName().toString())) {
                delete(map);
                LOG.info("event=bpf_pin_removed kind=map pin={}", map);
                removed++;
            }
        }
        return removed;
    }

    void detachAndUnpin(Path linkPin) {
        try (BpfLink link = BpfLink.openPinned(linkPin)) {
            link.detach();
        } catch (LibbpfException e) {
            // A pin that is no link cannot be attached to anything either: removing it is all there is to do.
            LOG.warn("event=bpf_pin_not_a_link pin={} error=\"{}\"", linkPin, e.getMessage());
        }
        delete(linkPin);
        LOG.info("event=bpf_pin_removed kind=link pin={}", linkPin);
    }

    private static List<Path> list(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path, e);
        }
    }
}
