package dev.ambit.local.topology;

import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import java.nio.file.Path;

/**
 * The cgroup v2 layout of the local mesh, mirroring a kubelet's: per node a {@code pods} subtree (what the node's
 * agent attaches its steering to), and {@code agent} and {@code tunnel} cgroups outside it (so the tunnel is never
 * steered).
 *
 * <pre>
 *   &lt;cgroup2&gt;/ambit-local/controller
 *   &lt;cgroup2&gt;/ambit-local/node1/agent
 *   &lt;cgroup2&gt;/ambit-local/node1/tunnel
 *   &lt;cgroup2&gt;/ambit-local/node1/pods/pod&lt;uid&gt;
 * </pre>
 */
public record LocalCgroups(Path root) {

    public static final String ROOT_NAME = "ambit-local";

    public static LocalCgroups onThisHost() {
        return new LocalCgroups(Cgroup2.root(MountTable.read()).resolve(ROOT_NAME));
    }

    public Path controller() {
        return root.resolve("controller");
    }

    public Path node(int node) {
        return root.resolve("node" + node);
    }

    public Path agent(int node) {
        return node(node).resolve("agent");
    }

    public Path tunnel(int node) {
        return node(node).resolve("tunnel");
    }

    public Path pods(int node) {
        return node(node).resolve("pods");
    }

    /** Named like the kubelet's pod cgroups ({@code pod<uid>}), which is how a node agent finds a pod's cgroup. */
    public Path pod(int node, String uid) {
        return pods(node).resolve("pod" + uid);
    }

    /** Kills every process of the local mesh and removes its cgroups. */
    public void removeAll() {
        Cgroup2.removeTree(root);
    }
}
