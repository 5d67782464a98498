package dev.ambit.nodeagent.testing;

import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.testbed.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A simulated node on this host: a network namespace of its own ({@code ambt-<id>}, where the tunnel stand-ins
 * run: never the machine's own), a cgroup subtree for pods ({@code <cgroup2>/ambt-<id>/pods}), pods made of a
 * network namespace, a veth pair into the node's and a cgroup, and a bpffs pin root of its own
 * ({@code /sys/fs/bpf/ambit-test-<id>}), so tests never touch a real agent's pins. Everything is named with the
 * {@code ambt} prefix; {@link #sweepLeftovers()} removes what a crashed run left.
 */
public final class TestNode implements AutoCloseable {

    static final String PREFIX = "ambt";
    private static final String PIN_PREFIX = "ambit-test-";
    private static final Path BPFFS = Path.of("/sys/fs/bpf");

    private final String id;
    private final Path cgroupRoot;
    private final Path nodeCgroup;
    private final Path podsCgroup;
    private final Path pinRoot;
    private Netns netns;
    private final List<TestPod> pods = new ArrayList<>();
    /** What a test opened on this node (probes, agents, views, event loops): closed before the node goes. */
    private final Resources resources = new Resources();
    private int nextPod = 1;

    private TestNode() {
        this.id = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        this.cgroupRoot = Cgroup2.root(MountTable.read());
        this.nodeCgroup = cgroupRoot.resolve(PREFIX + "-" + id);
        this.podsCgroup = nodeCgroup.resolve("pods");
        this.pinRoot = BPFFS.resolve(PIN_PREFIX + id);
    }

    /** Sweeps leftovers of crashed runs, then creates a node. */
    public static TestNode create() {
        sweepLeftovers();
        TestNode node = new TestNode();
        try {
            Files.createDirectories(node.podsCgroup);
            node.netns = Netns.create(PREFIX + "-" + node.id);
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e instanceof IOException io ? new UncheckedIOException("cannot create node " + node.id, io)
                    : (RuntimeException) e;
        }
        return node;
    }

    /** The node's own network namespace: where the tunnel (or its stand-in) listens, behind every pod's link. */
    public Netns netns() {
        return netns;
    }

    /** A probe on the node, outside every pod (e.g. the tunnel stand-in): in the node's namespace. */
    public Probe probe(String... args) {
        return Probe.start(netns::command, args);
    }

    public Path podsCgroup() {
        return podsCgroup;
    }

    public Path cgroupRoot() {
        return cgroupRoot;
    }

    public Path pinRoot() {
        return pinRoot;
    }

    /** The node address every pod reaches through its veth: the first pod's host side. */
    public static String tunnelIpv4() {
        return TestPod.hostIpv4(1);
    }

    public static String tunnelIpv6() {
        return TestPod.hostIpv6(1);
    }

    /** Steering for this node's pods; the tunnel's side is watched at the cgroup v2 root, as in production. */
    public RedirectorConfig config(InetSocketAddress tunnel4, InetSocketAddress tunnel6, boolean socketFastPath) {
        return new RedirectorConfig(pinRoot, podsCgroup, cgroupRoot, tunnel4, tunnel6, socketFastPath);
    }

    /** Pods are numbered from 1; pod 1's host side carries the tunnel address, so create it first. */
    public TestPod addPod() {
        TestPod pod = TestPod.create(PREFIX + "-" + id, nextPod++, netns, podsCgroup);
        pods.add(pod);
        return pod;
    }

    /** Closes {@code resource} when the node closes, before its pods, pins and cgroups go. */
    public <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    /** Tears down in reverse: what the test opened, the pods, the node's namespace, pins, cgroups; every step runs. */
    @Override
    public void close() {
        Resources teardown = new Resources();
        teardown.track(() -> Cgroup2.removeTree(nodeCgroup));
        if (netns != null) {
            teardown.track(netns::delete);
        }
        teardown.track(() -> BpfRedirector.uninstall(pinRoot));
        pods.forEach(teardown::track);
        pods.clear();
        teardown.track(resources);
        try {
            teardown.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot tear node " + id + " down", e);
        }
    }

    /** Removes every ambt network namespace, cgroup and test pin root, whoever made them. */
    public static void sweepLeftovers() {
        Netns.existing(PREFIX + "-").forEach(Netns::delete);
        for (Path leftover : list(Cgroup2.root(MountTable.read()), PREFIX + "-")) {
            Cgroup2.removeTree(leftover);
        }
        for (Path leftover : list(BPFFS, PIN_PREFIX)) {
            BpfRedirector.uninstall(leftover);
        }
    }

    private static List<Path> list(Path directory, String namePrefix) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(path -> path.getFileName().toString().startsWith(namePrefix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
