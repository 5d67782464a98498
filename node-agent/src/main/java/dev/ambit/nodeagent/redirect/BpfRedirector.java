package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.AttachType;
import dev.ambit.host.bpf.BpfLink;
import dev.ambit.host.bpf.BpfObject;
import dev.ambit.host.bpf.BpfProgram;
import dev.ambit.host.bpf.PackagedPrograms;
import dev.ambit.host.Bpffs;
import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the steering programs, attaches them, and keeps them pinned so that steering outlives the
 * agent process. Starting again adopts what an earlier agent pinned: maps (with their enrollments)
 * are reused and pinned links get the new programs swapped in atomically, so steering never stops;
 * pins the current version does not use, and enrollments of pods that are gone, are cleaned up.
 */
public final class BpfRedirector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BpfRedirector.class);

    private final RedirectorConfig config;
    private final BpfObject object;
    private final Map<Steering, BpfLink> links;
    private final PodEnroller enroller;
    private final OriginalDestinationMap originalDestinations;

    private BpfRedirector(RedirectorConfig config, BpfObject object, Map<Steering, BpfLink> links) {
        this.config = config;
        this.object = object;
        this.links = links;
        this.enroller = new PodEnroller(object.map(PodEnroller.MAP_NAME), config.podsCgroup());
        this.originalDestinations = new OriginalDestinationMap(object.map(OriginalDestinationMap.MAP_NAME));
    }

    /** Starts with the programs packaged in ambit-bpf. */
    public static BpfRedirector start(RedirectorConfig config) {
        return start(config, PackagedPrograms.redirect());
    }

    static BpfRedirector start(RedirectorConfig config, byte[] elf) {
        MountTable mounts = MountTable.read();
        Cgroup2.requireCgroup(config.podsCgroup(), mounts);
        Cgroup2.requireCgroup(config.tunnelCgroup(), mounts);
        PinLayout pins = new PinLayout(config.pinRoot());
        PinnedSteering pinned = new PinnedSteering(pins);
        BpfObject object = BpfObject.open(elf);
        Bpffs.ensureMounted(config.pinRoot().getParent(), mounts);
        boolean freshInstall = !Files.isDirectory(config.pinRoot());
        Map<Steering, BpfLink> links = new EnumMap<>(Steering.class);
        List<Path> attachedNow = new ArrayList<>();
        try {
            pinned.createDirectories();
            object.pinMapsIn(pins.maps());
            object.load();
            object.map(RedirectorConfig.CONFIG_MAP)
                    .update(RedirectorConfig.tunnelConfigKey(), config.encodeTunnelConfig());
            object.map(RedirectorConfig.DNS_CONFIG_MAP)
                    .update(RedirectorConfig.tunnelConfigKey(), config.encodeDnsConfig());
            for (Steering steering : Steering.values()) {
                links.put(steering, adoptOrAttach(steering, object.program(steering.program()), config, pins, attachedNow));
            }
            object.program(Steering.SOCKET_FAST_PATH_PROGRAM)
                    .attachToMap(object.map(Steering.SOCKET_PAIRS_MAP), AttachType.SK_MSG_VERDICT);
            int stale = pinned.removeExcept(
                    Stream.of(Steering.values()).map(Steering::program).collect(Collectors.toSet()),
                    new HashSet<>(object.mapNames()));
            BpfRedirector redirector = new BpfRedirector(config, object, links);
            int forgotten = redirector.enroller.forgetRemovedPods();
            LOG.info("event=bpf_redirector_started pin_root={} pods_cgroup={} tunnel_cgroup={} attached={} adopted={} "
                            + "stale_pins_removed={} enrollments={} enrollments_dropped={} socket_fast_path={} dns_capture={}",
                    config.pinRoot(), config.podsCgroup(), config.tunnelCgroup(), attachedNow.size(),
                    links.size() - attachedNow.size(), stale, redirector.enroller.enrolledCount(), forgotten,
                    config.socketFastPath(), config.dnsCapture());
            return redirector;
        } catch (RuntimeException e) {
            links.values().forEach(BpfLink::close);
            object.close();
            undo(freshInstall, pinned, attachedNow);
            throw e;
        }
    }

    /** A failed start leaves no trace: a fresh install is removed whole, an adoption loses only what this start attached. */
    private static void undo(boolean freshInstall, PinnedSteering pinned, List<Path> attachedNow) {
        if (freshInstall) {
            pinned.removeAll();
        } else {
            attachedNow.forEach(pinned::detachAndUnpin);
        }
    }

    private static BpfLink adoptOrAttach(Steering steering, BpfProgram program, RedirectorConfig config,
                                         PinLayout pins, List<Path> attachedNow) {
        Path target = steering.scope() == Steering.Scope.PODS ? config.podsCgroup() : config.tunnelCgroup();
        Path pin = pins.link(steering.program());
        if (Files.exists(pin)) {
            BpfLink pinned = BpfLink.openPinned(pin);
            if (pinned.cgroupId() == Cgroup2.id(target)) {
                pinned.replaceProgram(program);
                return pinned;
            }
            // Attached elsewhere (the configuration changed) or defunct (its cgroup was removed).
            pinned.close();
            new PinnedSteering(pins).detachAndUnpin(pin);
        }
        BpfLink link = program.attachToCgroup(target);
        try {
            link.pin(pin);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        attachedNow.add(pin);
        return link;
    }

    public PodEnroller enroller() {
        return enroller;
    }

    public OriginalDestinationMap originalDestinations() {
        return originalDestinations;
    }

    /** STRICT drops by source and destination address, as the tunnel reads them from the pins. */
    public List<StrictDrops.Flow> strictDrops() {
        return StrictDrops.read(object.map(StrictDrops.MAP_NAME));
    }

    public SteeringCounters counters() {
        return SteeringCounters.read(object.map(SteeringCounters.MAP_NAME));
    }

    /** Lets go of this process's references; the pins keep steering in place for the next agent. */
    @Override
    public void close() {
        links.values().forEach(BpfLink::close);
        object.close();
        LOG.info("event=bpf_redirector_closed pin_root={} steering=kept", config.pinRoot());
    }

    /** Detaches everything and removes every pin: the node is as if no agent ever ran. */
    public void uninstall() {
        close();
        uninstall(config.pinRoot());
    }

    /** Removes what an agent pinned under {@code pinRoot}, whether or not one is running. */
    public static int uninstall(Path pinRoot) {
        int removed = new PinnedSteering(new PinLayout(pinRoot.toAbsolutePath().normalize())).removeAll();
        LOG.info("event=bpf_uninstalled pin_root={} pins_removed={}", pinRoot, removed);
        return removed;
    }
}
