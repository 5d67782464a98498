package dev.ambit.local.launch;

import dev.ambit.local.launch.Manifests.LocalPod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local mesh's kubelet, for one step of a pod's start: its sandbox's CNI ADD, through the same plugin binary a
 * cluster's container runtime runs (docs/cni.md), chained after the local network "plugin" (the pod's veth, already
 * made). A pod's containers start only once ADD succeeds; a refused ADD is retried, as the kubelet retries a sandbox.
 */
final class PodSandboxes {

    private static final Logger log = LoggerFactory.getLogger(PodSandboxes.class);
    private static final Duration RETRY_AFTER = Duration.ofMillis(250);

    private final Path binary;
    private final Path runDir;

    PodSandboxes(Path runDir) {
        this.runDir = runDir;
        this.binary = runDir.resolve("ambit-cni");
        try (InputStream in = PodSandboxes.class.getResourceAsStream("/dev/ambit/cni/ambit-cni")) {
            if (in == null) {
                throw new IllegalStateException("the CNI plugin binary is not on the class path (cni-plugin module)");
            }
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            binary.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs ADD for {@code pod} until it succeeds or {@code deadline} passes (then throws with the plugin's error). */
    void add(LocalPod pod, String netns, Path socket, Path ambientNamespaces, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        String lastError = "";
        int attempts = 0;
        while (System.nanoTime() < until) {
            attempts++;
            Result result = run("ADD", pod, netns, socket, ambientNamespaces);
            // The plugin's exit status alone decides, as for the kubelet: the node's agent is up before its pods are
            // added (LocalMesh.up), so a pod the plugin lets through without the agent is a real fail-open.
            if (result.exit == 0) {
                log.info("event=pod_sandbox_added pod={}/{} attempts={}", pod.namespace(), pod.name(), attempts);
                return;
            }
            lastError = result.stdout;
            try {
                TimeUnit.MILLISECONDS.sleep(RETRY_AFTER.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted starting pod " + pod.namespace() + "/" + pod.name(), e);
            }
        }
        throw new IllegalStateException("pod " + pod.namespace() + "/" + pod.name() + ": CNI ADD did not succeed within "
                + deadline.toSeconds() + " s: " + lastError.strip());
    }

    /** DEL, which never fails. */
    void delete(LocalPod pod, String netns, Path socket, Path ambientNamespaces) {
        run("DEL", pod, netns, socket, ambientNamespaces);
    }

    record Result(int exit, String stdout) {
    }

    private Result run(String command, LocalPod pod, String netns, Path socket, Path ambientNamespaces) {
        // The previous plugin's result lists the pod's addresses, one per family, as a dual-stack network plugin's.
        String ips = pod.ips().stream()
                .map(ip -> "{\"address\":\"" + ip + (ip.contains(":") ? "/128" : "/32") + "\"}")
                .collect(java.util.stream.Collectors.joining(","));
        String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"ambit-local\",\"type\":\"ambit-cni\",\"socket\":\"" + socket
                + "\",\"ambientNamespacesFile\":\"" + ambientNamespaces + "\",\"prevResult\":{\"cniVersion\":\"1.0.0\","
                + "\"ips\":[" + ips + "]}}";
        ProcessBuilder builder = new ProcessBuilder(binary.toString());
        builder.environment().put("CNI_COMMAND", command);
        builder.environment().put("CNI_CONTAINERID", pod.uid());
        builder.environment().put("CNI_NETNS", "/var/run/netns/" + netns);
        builder.environment().put("CNI_IFNAME", "eth0");
        builder.environment().put("CNI_PATH", runDir.toString());
        builder.environment().put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + pod.namespace() + ";K8S_POD_NAME="
                + pod.name() + ";K8S_POD_UID=" + pod.uid());
        try {
            Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "the plugin did not exit");
            }
            return new Result(process.exitValue(), stdout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
