package dev.ambit.nodeagent.cni.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the plugin on the node, as Istio's install-cni does: the binary into the host's CNI bin directory, its entry
 * into the runtime's active conflist, and keeps both there (the network plugin rewrites its file when it restarts or
 * upgrades, dropping our entry): every change in the configuration directory is looked at again.
 */
public final class CniInstaller implements AutoCloseable {

    public static final String BINARY_NAME = "ambit-cni";
    private static final String BINARY_RESOURCE = "/dev/ambit/cni/" + BINARY_NAME;
    /** A missed event (or a binary someone removed) is caught up with this often. */
    private static final Duration RECHECK = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(CniInstaller.class);

    private final Path binDirectory;
    private final CniConfigDirectory configDirectory;
    private final PluginSettings settings;
    private final WatchService watcher;

    public CniInstaller(Path binDirectory, Path configDirectory, PluginSettings settings) {
        this.binDirectory = binDirectory;
        this.configDirectory = new CniConfigDirectory(configDirectory);
        this.settings = settings;
        try {
            Files.createDirectories(configDirectory);
            this.watcher = FileSystems.getDefault().newWatchService();
            configDirectory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + configDirectory, e);
        }
    }

    /** Copies the binary (when it differs) and chains the plugin into the active file. */
    public CniConfigDirectory.Change installOnce() {
        boolean copied = copyBinary();
        CniConfigDirectory.Change change = configDirectory.install(settings);
        if (copied || change != CniConfigDirectory.Change.UNCHANGED) {
            log.info("event=cni_plugin_installed binary={} binary_copied={} config={} change={} fail_closed={}",
                    binDirectory.resolve(BINARY_NAME), copied,
                    configDirectory.activeFile().map(Path::toString).orElse("none"), change, settings.failClosed());
        }
        return change;
    }

    /** Installs, then keeps the plugin installed until interrupted or closed. */
    public void installAndWatch() throws InterruptedException {
        installOnce();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watcher.poll(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                try {
                    installOnce();
                } catch (RuntimeException e) {
                    // A file half-written by the network plugin parses on its next event.
                    log.warn("event=cni_plugin_install_failed error=\"{}\"", e.getMessage());
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closed: stop watching
        }
    }

    /** Takes the plugin out of the active file and removes the binary. */
    public void uninstall() {
        boolean removed = configDirectory.uninstall();
        try {
            Files.deleteIfExists(binDirectory.resolve(BINARY_NAME));
        } catch (IOException e) {
            log.warn("event=cni_binary_not_removed path={} error=\"{}\"", binDirectory.resolve(BINARY_NAME), e.getMessage());
        }
        log.info("event=cni_plugin_uninstalled config={} was_chained={}",
                configDirectory.activeFile().map(Path::toString).orElse("none"), removed);
    }

    /** Takes only the conflist entry out: the binary may be in use by a successor's entry. */
    public boolean unchain() {
        boolean removed = configDirectory.uninstall();
        log.info("event=cni_plugin_unchained config={} was_chained={}",
                configDirectory.activeFile().map(Path::toString).orElse("none"), removed);
        return removed;
    }

    private boolean copyBinary() {
        byte[] binary = packagedBinary();
        Path target = binDirectory.resolve(BINARY_NAME);
        try {
            if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), binary)) {
                return false;
            }
            Files.createDirectories(binDirectory);
            // Beside the target, then renamed over it: a runtime executing the old binary meanwhile is unaffected.
            Path next = binDirectory.resolve("." + BINARY_NAME + ".next");
            Files.write(next, binary);
            Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(next, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the plugin to " + target, e);
        }
    }

    static byte[] packagedBinary() {
        try (InputStream in = CniInstaller.class.getResourceAsStream(BINARY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the plugin binary " + BINARY_RESOURCE + " is not on the class path"
                        + " (built by the cni-plugin module)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
