package dev.ambit.testbed;

import dev.ambit.host.Cgroup2;
import java.nio.file.Path;
import java.util.List;

/**
 * The pod builder for scripts (bench/run), so that they make pods as the Java tests and the local mesh do:
 *
 * <pre>
 * PodTool create NETNS --host NETNS --host-link NAME [--address CIDR]... [--host-address CIDR]...
 *                [--gateway IP]... [--unreachable CIDR]... [--cgroup DIR]
 * PodTool remove NETNS [--cgroup DIR]
 * </pre>
 *
 * A create that fails removes what it made; remove is fine to run for a pod that is (partly) gone.
 */
public final class PodTool {

    private PodTool() {
    }

    public static void main(String[] args) {
        try {
            run(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("PodTool: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("PodTool: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(List<String> args) {
        if (args.size() < 2 || args.size() % 2 != 0) {
            throw new IllegalArgumentException("usage: PodTool create|remove NETNS [--option value]...");
        }
        String netns = args.get(1);
        Pod.Builder pod = Pod.builder(netns);
        Netns host = null;
        String hostLink = null;
        Path cgroup = null;
        for (int i = 2; i < args.size(); i += 2) {
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--host" -> host = new Netns(value);
                case "--host-link" -> hostLink = value;
                case "--address" -> pod.address(value);
                case "--host-address" -> pod.hostAddress(value);
                case "--gateway" -> pod.gateway(value);
                case "--unreachable" -> pod.unreachable(value);
                case "--cgroup" -> cgroup = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args.get(i));
            }
        }
        switch (args.get(0)) {
            case "create" -> {
                if (host == null || hostLink == null) {
                    throw new IllegalArgumentException("create needs --host and --host-link");
                }
                pod.linkedTo(host, hostLink);
                if (cgroup != null) {
                    pod.cgroup(cgroup);
                }
                pod.create();
            }
            case "remove" -> {
                if (cgroup != null) {
                    Cgroup2.removeTree(cgroup);
                }
                new Netns(netns).delete();
            }
            default -> throw new IllegalArgumentException("unknown command " + args.get(0));
        }
    }
}
