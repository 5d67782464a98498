package dev.ambit.nodeagent.testing;

import dev.ambit.testbed.Netns;
import dev.ambit.testbed.Pod;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod of a {@link TestNode}: network namespace {@code <prefix>-<n>} reached from the node's namespace through a
 * veth pair (node side 10.244.n.1 and fd00:a3b:n::1, pod 10.244.n.2 and fd00:a3b:n::2), plus its own cgroup under
 * the node's pods cgroup. Service VIPs (10.96/16, fd00:96::/64) are unreachable inside the pod, so a connection
 * that is not steered fails at once and never leaves the namespace.
 */
public final class TestPod implements AutoCloseable {

    public static final String SERVICE_VIP4 = "10.96.0.10";
    public static final String SERVICE_VIP6 = "fd00:96::10";

    private final Pod pod;
    private final int index;

    private TestPod(Pod pod, int index) {
        this.pod = pod;
        this.index = index;
    }

    static TestPod create(String namePrefix, int index, Netns node, Path podsCgroup) {
        Pod pod = Pod.builder(namePrefix + "-" + index)
                .linkedTo(node, "pod" + index)
                .hostAddress(hostIpv4(index) + "/24")
                .hostAddress(otherHostIpv4(index) + "/24")
                .hostAddress(hostIpv6(index) + "/64")
                .address(ipv4(index) + "/24")
                .address(ipv6(index) + "/64")
                .gateway(hostIpv4(index))
                .gateway(hostIpv6(index))
                .unreachable("10.96.0.0/16")
                .unreachable("fd00:96::/64")
                .cgroup(podsCgroup.resolve("pod" + index))
                .create();
        return new TestPod(pod, index);
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

    private static String ipv4(int index) {
        return "10.244." + index + ".2";
    }

    private static String ipv6(int index) {
        return "fd00:a3b:" + index + "::2";
    }

    public String ipv4() {
        return ipv4(index);
    }

    public String ipv6() {
        return ipv6(index);
    }

    /** A second node address on this pod's link that is not the tunnel's: a plaintext source for STRICT tests. */
    public String nonTunnelHostIpv4() {
        return otherHostIpv4(index);
    }

    public Path cgroup() {
        return pod.cgroup();
    }

    /** Bytes the pod has sent through its link (as the node's end of the veth pair received them). */
    public long bytesSentOverLink() {
        return pod.bytesSentOverLink();
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
        return Probe.start(pod::command, args);
    }

    /**
     * Starts the probe as {@link #probe} does, with {@code resolvConf} as its {@code /etc/resolv.conf} (bound in a
     * mount namespace of its own, as a container has its own): the resolver configuration a kubelet gives a pod.
     */
    public Probe probeWithResolvConf(Path resolvConf, String... args) {
        return Probe.start(command -> {
            List<String> wrapped = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private",
                    "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()));
            wrapped.addAll(command);
            return pod.command(wrapped);
        }, args);
    }

    /** Removes the pod's processes, cgroup, link and namespace. */
    @Override
    public void close() {
        pod.close();
    }
}
