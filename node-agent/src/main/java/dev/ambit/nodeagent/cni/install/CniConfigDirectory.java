package dev.ambit.nodeagent.cni.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The node's CNI configuration directory ({@code /etc/cni/net.d}): the container runtime uses the first
 * {@code .conf}, {@code .conflist} or {@code .json} file by name, so that is the file the plugin is chained into. A
 * lone plugin's {@code .conf} becomes a {@code .conflist} of that one plugin, then ours. Files are replaced whole
 * (written beside, then renamed): the runtime never reads half of one.
 */
public final class CniConfigDirectory {

    private static final List<String> EXTENSIONS = List.of(".conf", ".conflist", ".json");

    private final Path directory;

    public CniConfigDirectory(Path directory) {
        this.directory = directory;
    }

    public Path path() {
        return directory;
    }

    /** The file the runtime uses now, if there is one. */
    public Optional<Path> activeFile() {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> EXTENSIONS.stream().anyMatch(file.getFileName().toString()::endsWith))
                    .min((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /** What {@link #install} did. */
    public enum Change { ADDED, UPDATED, CONVERTED_AND_ADDED, UNCHANGED, NO_CONFIG_YET }

    /** Chains the plugin into the active file (or brings its entry up to date); rewrites nothing already right. */
    public Change install(PluginSettings settings) {
        Optional<Path> active = activeFile();
        if (active.isEmpty()) {
            return Change.NO_CONFIG_YET;
        }
        Path file = active.get();
        Map<String, Object> config = readObject(file);
        boolean lone = !config.containsKey("plugins");
        Map<String, Object> list = lone ? asConflist(config) : config;
        List<Object> plugins = plugins(list, file);
        Map<String, Object> wanted = settings.entry();
        int ours = indexOfOurs(plugins);
        if (ours >= 0 && plugins.get(ours).equals(wanted) && ours == plugins.size() - 1 && !lone) {
            return Change.UNCHANGED;
        }
        if (ours >= 0) {
            plugins.remove(ours);
        }
        // Last: after the network plugin (and portmap, bandwidth…), so the pod has its addresses and routes.
        plugins.add(wanted);
        if (lone) {
            Path conflist = file.resolveSibling(baseName(file) + ".conflist");
            write(conflist, list);
            delete(file);
            return Change.CONVERTED_AND_ADDED;
        }
        write(file, list);
        return ours >= 0 ? Change.UPDATED : Change.ADDED;
    }

    /** Takes the plugin out of the active file; true when it was there. */
    public boolean uninstall() {
        Optional<Path> active = activeFile();
        if (active.isEmpty()) {
            return false;
        }
        Map<String, Object> config = readObject(active.get());
        if (!config.containsKey("plugins")) {
            return false;
        }
        List<Object> plugins = plugins(config, active.get());
        int ours = indexOfOurs(plugins);
        if (ours < 0) {
            return false;
        }
        plugins.remove(ours);
        write(active.get(), config);
        return true;
    }

    /** Whether the active file chains the plugin. */
    public boolean isInstalled() {
        return activeFile().map(file -> {
            Map<String, Object> config = readObject(file);
            return config.containsKey("plugins") && indexOfOurs(plugins(config, file)) >= 0;
        }).orElse(false);
    }

    private static Map<String, Object> asConflist(Map<String, Object> conf) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("cniVersion", conf.getOrDefault("cniVersion", "0.3.1"));
        list.put("name", conf.getOrDefault("name", "k8s-pod-network"));
        List<Object> plugins = new ArrayList<>();
        plugins.add(conf);
        list.put("plugins", plugins);
        return list;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> plugins(Map<String, Object> conflist, Path file) {
        if (!(conflist.get("plugins") instanceof List<?> plugins)) {
            throw new IllegalArgumentException(file + ": \"plugins\" is not a list");
        }
        return (List<Object>) plugins;
    }

    private static int indexOfOurs(List<Object> plugins) {
        for (int i = 0; i < plugins.size(); i++) {
            if (plugins.get(i) instanceof Map<?, ?> plugin && PluginSettings.TYPE.equals(plugin.get("type"))) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readObject(Path file) {
        try {
            Object parsed = JsonTree.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return (Map<String, Object>) parsed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Map<String, Object> config) {
        Path next = file.resolveSibling("." + file.getFileName() + ".ambit-tmp");
        try {
            Files.writeString(next, JsonTree.write(config), StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }
}
