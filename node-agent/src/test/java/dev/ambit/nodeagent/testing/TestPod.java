package dev.ambit.nodeagent.testing;

import dev.ambit.host.Cgroup2;
import dev.ambit.host.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A pod: network namespace {@code <prefix>-<n>} reached from the host through a veth pair
 * (host 10.244.n.1 and fd00:a3b:n::1, pod 10.244.n.2 and fd00:a3b:n::2), plus its own cgroup
 * under the node's pods cgroup. Service VIPs (10.96/16, fd00:96::/64) are unreachable inside the
 * pod, so a connection that is not steered fails at once and never leaves the namespace.
 */
public final class TestPod implements AutoCloseable {

    public static final String SERVICE_VIP4 = "10.96.0.10";
    public static final String SERVICE_VIP6 = "fd00:96::10";

    private final String netns;
    private final String hostVeth;
    private final int index;
    private final Path cgroup;

    private TestPod(String netns, String hostVeth, int index, Path cgroup) {
        this.netns = netns;
        this.hostVeth = hostVeth;
        this.index = index;
        this.cgroup = cgroup;
    }

    static TestPod create(String namePrefix, int index, Path podsCgroup) {
        String netns = namePrefix + "-" + index;
        String hostVeth = namePrefix.replace("-", "") + index;
        TestPod pod = new TestPod(netns, hostVeth, index, podsCgroup.resolve("pod" + index));
        try {
            Files.createDirectory(pod.cgroup);
            HostCommand.run("ip", "netns", "add", netns);
            HostCommand.run("ip", "link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", netns);
            HostCommand.run("ip", "addr", "add", hostIpv4(index) + "/24", "dev", hostVeth);
            HostCommand.run("ip", "addr", "add", otherHostIpv4(index) + "/24", "dev", hostVeth);
            HostCommand.run("ip", "addr", "add", hostIpv6(index) + "/64", "dev", hostVeth, "nodad");
            HostCommand.run("ip", "link", "set", hostVeth, "up");
            pod.inNetns("ip", "link", "set", "lo", "up");
            pod.inNetns("ip", "addr", "add", pod.ipv4() + "/24", "dev", "eth0");
            pod.inNetns("ip", "addr", "add", pod.ipv6() + "/64", "dev", "eth0", "nodad");
            pod.inNetns("ip", "link", "set", "eth0", "up");
            pod.inNetns("ip", "route", "add", "default", "via", hostIpv4(index));
            pod.inNetns("ip", "-6", "route", "add", "default", "via", hostIpv6(index));
            pod.inNetns("ip", "route", "add", "unreachable", "10.96.0.0/16");
            pod.inNetns("ip", "-6", "route", "add", "unreachable", "fd00:96::/64");
            return pod;
        } catch (IOException | RuntimeException e) {
            pod.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    static String hostIpv4(int index) {
        return "10.244." + index + ".1";
    }

    static String hostIpv6(int index) {
        return "fd00:a3b:" + index + "::1";
    }

    private static String otherHostIpv4(int index) {
        return "10.244." + index + ".3";
    }

    public String ipv4() {
        return "10.244." + index + ".2";
    }

    public String ipv6() {
        return "fd00:a3b:" + index + "::2";
    }

    /** A second host address on this pod's link that is not the tunnel's: a plaintext source for STRICT tests. */
    public String nonTunnelHostIpv4() {
        return otherHostIpv4(index);
    }

    public Path cgroup() {
        return cgroup;
    }

    /** Bytes the pod has sent through its link (as the host's end of the veth pair received them). */
    public long bytesSentOverLink() {
        try {
            return Long.parseLong(Files.readString(
                    Path.of("/sys/class/net", hostVeth, "statistics", "rx_bytes")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<InetAddress> addresses() {
        try {
            return List.of(InetAddress.getByName(ipv4()), InetAddress.getByName(ipv6()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the probe as a process of this pod: moved into its cgroup first, then into its network namespace. */
    public Probe probe(String... args) {
        return Probe.start("echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec ip netns exec " + netns + " ", args);
    }

    private void inNetns(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = netns;
        System.arraycopy(command, 0, full, 4, command.length);
        HostCommand.run(full);
    }

    /** Deleting the namespace deletes the veth pair with it. */
    @Override
    public void close() {
        HostCommand.runQuietly("ip", "netns", "delete", netns);
        Cgroup2.removeTree(cgroup);
    }
}
