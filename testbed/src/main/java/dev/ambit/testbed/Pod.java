package dev.ambit.testbed;

import dev.ambit.host.Cgroup2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pod as a kubelet and a CNI make one: its own network namespace, a veth pair whose other end is in a host
 * namespace (the node; never the machine's own), and optionally its own cgroup, so that eBPF attached to a pods
 * cgroup sees its processes as the pod. Build one with {@link #builder(String)}; {@link #close()} removes it all:
 * the processes in its cgroup, the cgroup, the namespace and with it the veth pair.
 */
public final class Pod implements AutoCloseable {

    /** Longest interface name the kernel takes (IFNAMSIZ - 1). */
    private static final int MAX_LINK_NAME = 15;

    private final Netns netns;
    private final Netns host;
    private final String hostLink;
    private final Optional<Path> cgroup;

    private Pod(Netns netns, Netns host, String hostLink, Optional<Path> cgroup) {
        this.netns = netns;
        this.host = host;
        this.hostLink = hostLink;
        this.cgroup = cgroup;
    }

    /** A pod whose network namespace will be {@code netnsName}. */
    public static Builder builder(String netnsName) {
        return new Builder(netnsName);
    }

    public Netns netns() {
        return netns;
    }

    /** The namespace the pod's link leads to: its node. */
    public Netns host() {
        return host;
    }

    /** The host's end of the pod's veth pair (the pod's end is {@code eth0}). */
    public String hostLink() {
        return hostLink;
    }

    public Path cgroup() {
        return cgroup.orElseThrow(() -> new IllegalStateException("pod " + netns.name() + " has no cgroup"));
    }

    /** Bytes the pod has sent over its link, as the host's end received them. */
    public long bytesSentOverLink() {
        return host.receivedBytes(hostLink);
    }

    /** {@code command} as a process of this pod: in its cgroup (if it has one) and its network namespace. */
    public List<String> command(List<String> command) {
        return cgroup.map(path -> command(netns, path, command)).orElseGet(() -> netns.command(command));
    }

    /**
     * {@code command} run in {@code cgroup}, then in {@code netns}: the shell joins the cgroup and becomes nsenter,
     * which becomes the command, so every socket the command ever opens belongs to the pod, and its pid is the
     * one the caller started.
     */
    public static List<String> command(Netns netns, Path cgroup, List<String> command) {
        List<String> full = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > \"$0\" && ns=\"$1\" && shift && exec nsenter --net=\"$ns\" -- \"$@\"",
                cgroup.resolve("cgroup.procs").toString(), netns.path().toString()));
        full.addAll(command);
        return full;
    }

    /**
     * Removes the pod: its processes, its cgroup, its link, its namespace. Every step runs; fine to call twice. The
     * link goes explicitly: a deleted namespace releases its devices later, asynchronously, and until then the
     * host's end would still be there.
     */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        cgroup.ifPresent(path -> attempt(() -> Cgroup2.removeTree(path), failures));
        attempt(this::deleteLink, failures);
        attempt(netns::delete, failures);
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void deleteLink() {
        if (host.exists() && host.run("ip", "-o", "link", "show").contains(" " + hostLink + "@")) {
            host.ip("link", "delete", hostLink);
        }
    }

    private static void attempt(Runnable step, List<RuntimeException> failures) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    /** What the pod is made of; {@link #create()} makes it, or removes what it made and throws. */
    public static final class Builder {

        private final String netnsName;
        private Netns host;
        private String hostLink;
        private String hostBridge;
        private final List<String> addresses = new ArrayList<>();
        private final List<String> hostAddresses = new ArrayList<>();
        private final List<String> gateways = new ArrayList<>();
        private final List<String> unreachable = new ArrayList<>();
        private Path cgroup;

        private Builder(String netnsName) {
            this.netnsName = netnsName;
        }

        /** The node namespace the pod's link leads to, and the name of the link's end there. */
        public Builder linkedTo(Netns host, String hostLink) {
            if (hostLink.length() > MAX_LINK_NAME) {
                throw new IllegalArgumentException("link name " + hostLink + " is longer than " + MAX_LINK_NAME);
            }
            this.host = host;
            this.hostLink = hostLink;
            return this;
        }

        /** Enslaves the host's end to this bridge of the host (which carries the gateway address). */
        public Builder onBridge(String bridge) {
            this.hostBridge = bridge;
            return this;
        }

        /** An address of the pod's {@code eth0}, with its prefix length, e.g. {@code 10.244.1.2/24}. */
        public Builder address(String cidr) {
            addresses.add(cidr);
            return this;
        }

        /** An address of the host's end, with its prefix length. */
        public Builder hostAddress(String cidr) {
            hostAddresses.add(cidr);
            return this;
        }

        /** The pod's default route (one per address family). */
        public Builder gateway(String ip) {
            gateways.add(ip);
            return this;
        }

        /**
         * A range that fails at once inside the pod (an {@code unreachable} route), e.g. service VIPs where no
         * kube-proxy is: a connection to it that the mesh does not steer never leaves the pod.
         */
        public Builder unreachable(String cidr) {
            unreachable.add(cidr);
            return this;
        }

        /** The pod's own cgroup, created here; its processes start in it ({@link Pod#command(List)}). */
        public Builder cgroup(Path cgroup) {
            this.cgroup = cgroup;
            return this;
        }

        public Pod create() {
            if (host == null) {
                throw new IllegalStateException("pod " + netnsName + " has no host namespace (linkedTo)");
            }
            Netns netns = Netns.create(netnsName);
            Pod pod = new Pod(netns, host, hostLink, Optional.ofNullable(cgroup));
            try {
                if (cgroup != null) {
                    Files.createDirectory(cgroup);
                }
                // Made in the pod, the host's end moved at once: a failure leaves no stray link on the host.
                netns.ip("link", "add", "eth0", "type", "veth", "peer", "name", hostLink, "netns", host.name());
                for (String address : hostAddresses) {
                    host.ip(addressArgs(address, hostLink));
                }
                if (hostBridge != null) {
                    host.ip("link", "set", hostLink, "master", hostBridge);
                }
                host.ip("link", "set", hostLink, "up");
                for (String address : addresses) {
                    netns.ip(addressArgs(address, "eth0"));
                }
                netns.ip("link", "set", "eth0", "up");
                for (String gateway : gateways) {
                    netns.ip(family(gateway), "route", "add", "default", "via", gateway);
                }
                for (String range : unreachable) {
                    netns.ip(family(range), "route", "add", "unreachable", range);
                }
                return pod;
            } catch (IOException | RuntimeException e) {
                try {
                    pod.close();
                } catch (RuntimeException teardown) {
                    e.addSuppressed(teardown);
                }
                throw e instanceof IOException io ? new UncheckedIOException("cannot create pod " + netnsName, io)
                        : (RuntimeException) e;
            }
        }

        /** IPv6 addresses skip duplicate address detection: usable at once, and nothing else is on the link. */
        private static String[] addressArgs(String cidr, String link) {
            return cidr.contains(":")
                    ? new String[] {"addr", "add", cidr, "dev", link, "nodad"}
                    : new String[] {"addr", "add", cidr, "dev", link};
        }

        private static String family(String address) {
            return address.contains(":") ? "-6" : "-4";
        }
    }
}
