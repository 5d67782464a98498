package dev.ambit.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.host.Cgroup2;
import dev.ambit.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pods on a host namespace the test creates: linked, addressed, their processes in their cgroup, and nothing left
 * after close or after a failed create. Needs root, iproute2, nsenter and cgroup v2 (fails under CI=true without).
 */
class PodTest {

    private static final String PREFIX = "ambtb-";
    private Netns host;
    private Path cgroups;

    @BeforeEach
    void createHost() throws IOException {
        String missing = missingPrivilege();
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true and this privileged test cannot run: " + missing);
            }
            Assumptions.abort("needs " + missing);
        }
        removeLeftovers();
        host = Netns.create(PREFIX + "host");
        cgroups = Files.createDirectory(cgroup2().resolve(PREFIX + "pods"));
    }

    @AfterEach
    void removeLeftovers() {
        Netns.existing(PREFIX).forEach(Netns::delete);
        if (cgroups != null) {
            Cgroup2.removeTree(cgroups);
        }
    }

    @Test
    void aPodReachesItsHostFromItsCgroupAndLeavesNothingWhenClosed() throws Exception {
        Path podCgroup = cgroups.resolve("pod1");
        try (Pod pod = Pod.builder(PREFIX + "pod1").linkedTo(host, "ambtb1").hostAddress("10.251.1.1/24")
                .address("10.251.1.2/24").gateway("10.251.1.1").unreachable("10.96.0.0/16").cgroup(podCgroup)
                .create()) {
            long before = pod.bytesSentOverLink();
            // The pod's process: in the pod's cgroup, reaching the host's end over the link (which answers the
            // SYN with a reset: nothing listens there).
            Process connect = new ProcessBuilder(pod.command(List.of("bash", "-c",
                    "cat /proc/self/cgroup; exec 3<>/dev/tcp/10.251.1.1/9"))).redirectErrorStream(true).start();
            String out = new String(connect.getInputStream().readAllBytes());
            assertTrue(connect.waitFor(30, TimeUnit.SECONDS));
            assertTrue(out.contains("0::/" + cgroups.getFileName() + "/pod1"), out);
            assertTrue(out.contains("Connection refused"), out);
            assertTrue(pod.bytesSentOverLink() > before, "the ping crossed the pod's link");
            // A VIP fails at once inside the pod: nothing routes it.
            Process vip = new ProcessBuilder(pod.command(List.of("ip", "route", "get", "10.96.0.10")))
                    .redirectErrorStream(true).start();
            String route = new String(vip.getInputStream().readAllBytes());
            assertTrue(vip.waitFor(30, TimeUnit.SECONDS));
            assertTrue(route.contains("No route to host"), route);
            assertTrue(Files.isDirectory(podCgroup));
        }
        assertFalse(new Netns(PREFIX + "pod1").exists(), "the pod's namespace is gone");
        assertFalse(Files.exists(podCgroup), "the pod's cgroup is gone");
        assertEquals("", host.run("ip", "-o", "link", "show", "type", "veth"), "the pod's link is gone from its host");
    }

    @Test
    void aFailedCreateRemovesWhatItMade() {
        Path podCgroup = cgroups.resolve("pod2");
        assertThrows(IllegalStateException.class, () -> Pod.builder(PREFIX + "pod2").linkedTo(host, "ambtb2")
                .address("10.251.2.2/24").gateway("10.251.99.1").cgroup(podCgroup).create());
        assertFalse(new Netns(PREFIX + "pod2").exists());
        assertFalse(Files.exists(podCgroup));
        assertEquals("", host.run("ip", "-o", "link", "show", "type", "veth"));
    }

    @Test
    void aThreadOfThisJvmOpensSocketsInsideANamespace() throws Exception {
        String inside = host.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
        String outside = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        assertFalse(inside.equals(outside), inside + " is the test's own namespace");
        assertEquals(outside, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString(),
                "the calling thread stays where it was");
    }

    private static Path cgroup2() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] fields = line.split(" ");
            if (fields[2].equals("cgroup2")) {
                return Path.of(fields[1]);
            }
        }
        throw new IllegalStateException("no cgroup v2 mount");
    }

    private static String missingPrivilege() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "root";
        }
        try {
            cgroup2();
            HostCommand.run(List.of("nsenter", "--version"));
            HostCommand.run(List.of("ip", "-V"));
            return null;
        } catch (IOException | RuntimeException e) {
            return "cgroup v2, nsenter and iproute2: " + e.getMessage();
        }
    }
}
