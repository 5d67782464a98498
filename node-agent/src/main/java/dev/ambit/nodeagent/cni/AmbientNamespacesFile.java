package dev.ambit.nodeagent.cni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces with ambient workloads, one per line, kept on the host for the CNI plugin: when it cannot reach the
 * agent (crashed, upgrading) it fails ADD for a pod of a listed namespace and lets other pods start. Replaced
 * atomically (write a sibling, rename), so the plugin never reads half a list. The file stays when the agent stops:
 * that is exactly when the plugin needs it.
 */
public final class AmbientNamespacesFile implements Consumer<Set<String>> {

    /**
     * On disk, not under the tmpfs {@code /var/run}: after a reboot the plugin runs before the agent is back, and
     * must still know which pods to hold until it is.
     */
    public static final String DEFAULT_PATH = "/var/lib/ambit/ambient-namespaces";
    private static final Logger log = LoggerFactory.getLogger(AmbientNamespacesFile.class);

    private final Path path;

    public AmbientNamespacesFile(Path path) {
        this.path = path;
    }

    @Override
    public void accept(Set<String> namespaces) {
        Path next = path.resolveSibling(path.getFileName() + ".next");
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(next, namespaces.isEmpty() ? "" : String.join("\n", namespaces) + "\n", StandardCharsets.UTF_8);
            Files.move(next, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("event=ambient_namespaces_written path={} namespaces={}", path, namespaces.size());
        } catch (IOException e) {
            log.warn("event=ambient_namespaces_not_written path={} error=\"{}\"", path, e.getMessage());
        }
    }
}
