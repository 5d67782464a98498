package dev.ambit.nodeagent.cli;

import dev.ambit.nodeagent.cni.AmbientNamespacesFile;
import dev.ambit.nodeagent.cni.CniServer;
import dev.ambit.nodeagent.cni.install.CniInstaller;
import dev.ambit.nodeagent.cni.install.PluginSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code node-agent install-cni}: chains the Ambit CNI plugin into the node's CNI configuration and keeps it there
 * until SIGTERM (the chart's {@code install-cni} container); {@code --uninstall} removes it.
 */
@Command(name = "install-cni", description = "Copy the Ambit CNI plugin to the host, chain it into the active CNI"
        + " conflist and keep it there (watching the directory) until stopped; --uninstall removes both.")
public final class InstallCniCommand implements Callable<Integer> {

    @Option(names = "--cni-bin-dir", defaultValue = "/host/opt/cni/bin",
            description = "The host's CNI binary directory, as mounted (default: ${DEFAULT-VALUE}).")
    private Path binDir;

    @Option(names = "--cni-conf-dir", defaultValue = "/host/etc/cni/net.d",
            description = "The host's CNI configuration directory, as mounted (default: ${DEFAULT-VALUE}).")
    private Path confDir;

    @Option(names = "--socket", defaultValue = CniServer.DEFAULT_SOCKET,
            description = "The agent's enroll socket as the host sees it (default: ${DEFAULT-VALUE}).")
    private String socket;

    @Option(names = "--ambient-namespaces-file", defaultValue = AmbientNamespacesFile.DEFAULT_PATH,
            description = "The agent's list of ambient namespaces as the host sees it (default: ${DEFAULT-VALUE}).")
    private String ambientNamespacesFile;

    @Option(names = "--fail-closed", defaultValue = "true", arity = "1",
            description = "Fail ADD for a pod of an ambient namespace the agent cannot enroll (default: ${DEFAULT-VALUE}).")
    private boolean failClosed;

    @Option(names = "--timeout-ms", defaultValue = "8000",
            description = "How long the plugin waits for the agent's answer (default: ${DEFAULT-VALUE}).")
    private int timeoutMs;

    @Option(names = "--uninstall", description = "Remove the plugin from the configuration and the binary, then exit.")
    private boolean uninstall;

    @Option(names = "--once", description = "Install and exit instead of watching.")
    private boolean once;

    @Override
    public Integer call() throws InterruptedException {
        try (CniInstaller installer = new CniInstaller(binDir, confDir,
                new PluginSettings(socket, ambientNamespacesFile, failClosed, timeoutMs))) {
            if (uninstall) {
                installer.uninstall();
                return 0;
            }
            if (once) {
                installer.installOnce();
                return 0;
            }
            Thread watching = Thread.currentThread();
            // On SIGTERM the entry goes (a node whose agent is removed must not keep failing pods); in a rolling
            // update the successor's installer, already watching, puts it back at once.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                watching.interrupt();
                installer.unchain();
            }, "ambit-cni-uninstall"));
            installer.installAndWatch();
            return 0;
        }
    }
}
