package dev.ambit.nodeagent.cni.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.nodeagent.NodeAgentMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The installer against CNI configuration directories as common network plugins leave them (test resources
 * {@code cni/<plugin>/}, copied from those plugins' installs): chained last, everything else kept, idempotent,
 * put back after the network plugin rewrites its file, removed on uninstall.
 */
class CniInstallerTest {

    private static final PluginSettings SETTINGS = new PluginSettings("/var/run/ambit/cni.sock",
            "/var/run/ambit/ambient-namespaces", true, 8000);

    @TempDir
    Path host;

    @ParameterizedTest
    @CsvSource({"calico, 10-calico.conflist", "cilium, 05-cilium.conflist", "flannel, 10-flannel.conflist",
            "kindnet, 10-kindnet.conflist"})
    void thePluginIsChainedLastIntoTheNetworkPluginsConflistAndRemovedAgain(String sample, String file) throws IOException {
        Path confDir = sampleDirectory(sample);
        Map<String, Object> original = read(confDir.resolve(file));
        List<String> othersBefore = otherFiles(confDir, file);

        try (CniInstaller installer = new CniInstaller(host.resolve("bin"), confDir, SETTINGS)) {
            assertEquals(CniConfigDirectory.Change.ADDED, installer.installOnce());

            Map<String, Object> chained = read(confDir.resolve(file));
            List<Object> plugins = new ArrayList<>(plugins(original));
            plugins.add(Map.of("type", "ambit-cni", "socket", "/var/run/ambit/cni.sock",
                    "ambientNamespacesFile", "/var/run/ambit/ambient-namespaces", "failClosed", true,
                    "timeoutMs", new BigDecimal(8000)));
            assertEquals(plugins, plugins(chained), "the network plugin's entries first, unchanged, then ours");
            assertEquals(without(original, "plugins"), without(chained, "plugins"), "name, cniVersion kept");
            assertEquals(othersBefore, otherFiles(confDir, file), "no other file touched");
            Path binary = host.resolve("bin/ambit-cni");
            assertArrayEquals(CniInstaller.packagedBinary(), Files.readAllBytes(binary));
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(binary)));

            byte[] installed = Files.readAllBytes(confDir.resolve(file));
            assertEquals(CniConfigDirectory.Change.UNCHANGED, installer.installOnce());
            assertArrayEquals(installed, Files.readAllBytes(confDir.resolve(file)), "a second install rewrites nothing");

            installer.uninstall();

            assertEquals(original, read(confDir.resolve(file)), "uninstall gives the network plugin's list back");
            assertFalse(Files.exists(binary));
        }
    }

    @Test
    void aLonePluginsConfBecomesAConflistOfItAndOurs() throws IOException {
        Path confDir = sampleDirectory("bridge-conf");
        Map<String, Object> conf = read(confDir.resolve("10-bridge.conf"));
        byte[] later = Files.readAllBytes(confDir.resolve("99-loopback.conflist"));

        try (CniInstaller installer = new CniInstaller(host.resolve("bin"), confDir, SETTINGS)) {
            assertEquals(CniConfigDirectory.Change.CONVERTED_AND_ADDED, installer.installOnce());
        }

        assertFalse(Files.exists(confDir.resolve("10-bridge.conf")));
        Map<String, Object> conflist = read(confDir.resolve("10-bridge.conflist"));
        assertEquals("0.4.0", conflist.get("cniVersion"));
        assertEquals("bridge", conflist.get("name"));
        assertEquals(conf, plugins(conflist).get(0));
        assertEquals("ambit-cni", ((Map<?, ?>) plugins(conflist).get(1)).get("type"));
        assertArrayEquals(later, Files.readAllBytes(confDir.resolve("99-loopback.conflist")), "only the active file");
        assertEquals(confDir.resolve("10-bridge.conflist"), new CniConfigDirectory(confDir).activeFile().orElseThrow());
    }

    @Test
    void whenTheNetworkPluginRewritesItsFileThePluginIsPutBack() throws Exception {
        Path confDir = sampleDirectory("calico");
        Path file = confDir.resolve("10-calico.conflist");
        String networkPluginsOwn = Files.readString(file);
        try (CniInstaller installer = new CniInstaller(host.resolve("bin"), confDir, SETTINGS)) {
            Thread watching = new Thread(() -> {
                try {
                    installer.installAndWatch();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            watching.start();
            CniConfigDirectory directory = new CniConfigDirectory(confDir);
            await(directory::isInstalled, "installed at start");

            // As calico-node does on restart: its own file, written beside and renamed over.
            Path beside = confDir.resolve("10-calico.conflist.tmp");
            Files.writeString(beside, networkPluginsOwn);
            Files.move(beside, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            await(directory::isInstalled, "chained again after the rewrite");
            assertEquals(plugins(read(sampleFile("calico", "10-calico.conflist"))).size() + 1, plugins(read(file)).size());
            watching.interrupt();
            watching.join(Duration.ofSeconds(15).toMillis());
            assertFalse(watching.isAlive());
        }
    }

    @Test
    void aNodeWhoseNetworkPluginHasNotWrittenItsConfigYetGetsThePluginOnceItDoes() throws Exception {
        Path confDir = host.resolve("net.d");
        try (CniInstaller installer = new CniInstaller(host.resolve("bin"), confDir, SETTINGS)) {
            assertEquals(CniConfigDirectory.Change.NO_CONFIG_YET, installer.installOnce());
            Thread watching = new Thread(() -> {
                try {
                    installer.installAndWatch();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            watching.start();

            Files.copy(sampleFile("flannel", "10-flannel.conflist"), confDir.resolve("10-flannel.conflist"));

            await(new CniConfigDirectory(confDir)::isInstalled, "chained once flannel wrote its file");
            watching.interrupt();
            watching.join(Duration.ofSeconds(15).toMillis());
        }
    }

    @Test
    void theCommandInstallsWithItsFlagsAndUninstalls() throws IOException {
        Path confDir = sampleDirectory("kindnet");
        Path file = confDir.resolve("10-kindnet.conflist");
        Map<String, Object> original = read(file);
        String[] dirs = {"--cni-bin-dir", host.resolve("bin").toString(), "--cni-conf-dir", confDir.toString()};

        assertEquals(0, NodeAgentMain.commandLine().execute(concat(dirs, "install-cni", "--once", "--fail-closed=false",
                "--socket", "/run/ambit/cni.sock")));
        Map<?, ?> ours = (Map<?, ?>) plugins(read(file)).get(2);
        assertEquals(false, ours.get("failClosed"));
        assertEquals("/run/ambit/cni.sock", ours.get("socket"));
        assertTrue(Files.isExecutable(host.resolve("bin/ambit-cni")));

        assertEquals(0, NodeAgentMain.commandLine().execute(concat(dirs, "install-cni", "--uninstall")));
        assertEquals(original, read(file));
    }

    // ---- helpers ----

    private static String[] concat(String[] rest, String... words) {
        List<String> all = new ArrayList<>(List.of(words));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within 10 s");
            }
            Thread.sleep(20);
        }
    }

    private Path sampleDirectory(String sample) throws IOException {
        Path confDir = host.resolve("net.d");
        Files.createDirectories(confDir);
        try (Stream<Path> files = Files.list(sampleFile(sample, ""))) {
            for (Path file : files.toList()) {
                Files.copy(file, confDir.resolve(file.getFileName()));
            }
        }
        return confDir;
    }

    private static Path sampleFile(String sample, String file) {
        try {
            return Path.of(CniInstallerTest.class.getResource("/cni/" + sample).toURI()).resolve(file);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> otherFiles(Path confDir, String except) {
        try (Stream<Path> files = Files.list(confDir)) {
            return files.filter(f -> !f.getFileName().toString().equals(except)).map(f -> {
                try {
                    return f.getFileName() + ":" + Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) throws IOException {
        return (Map<String, Object>) JsonTree.parse(Files.readString(file));
    }

    private static List<?> plugins(Map<String, Object> conflist) {
        return (List<?>) conflist.get("plugins");
    }

    private static Map<String, Object> without(Map<String, Object> object, String member) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(object);
        copy.remove(member);
        return copy;
    }
}
