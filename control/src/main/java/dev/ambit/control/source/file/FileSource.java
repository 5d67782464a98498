package dev.ambit.control.source.file;

import dev.ambit.control.source.ObjectKey;
import dev.ambit.control.source.ObjectSink;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's source: the {@code *.yaml}/{@code *.yml} files of a directory tree, read into the same typed objects
 * the Kubernetes informers deliver, and watched for changes (inotify through {@link WatchService}, with a periodic
 * rescan for file systems that do not report changes).
 *
 * <p>A file that cannot be read keeps its previous good objects, and the error names the file and line; the other
 * files are unaffected. An object defined in two files is an error in the file read second.
 */
public final class FileSource implements AutoCloseable {

    public static final String NAME = "file";

    private static final Logger log = LoggerFactory.getLogger(FileSource.class);
    private static final long MAX_FILE_BYTES = 4L << 20;
    private static final int MAX_DEPTH = 8;
    /** Editors write a file in several steps; changes within this window are read once. */
    private static final long SETTLE_MILLIS = 50;

    private record FileState(FileTime modified, long size, Map<ObjectKey, LocatedObject> objects) {
    }

    private final Path directory;
    private final Duration rescanInterval;
    private final YamlObjects yaml = new YamlObjects();
    private final Map<Path, FileState> files = new HashMap<>();
    private final Map<ObjectKey, LocatedObject> objects = new ConcurrentHashMap<>();
    private final Map<Path, String> errors = new ConcurrentHashMap<>();
    private ObjectSink sink;
    private WatchService watchService;
    private Thread watcher;

    public FileSource(Path directory, Duration rescanInterval) {
        this.directory = directory.toAbsolutePath().normalize();
        this.rescanInterval = rescanInterval;
    }

    /** Reads the directory once into {@code sink}, reports it synced, then watches it on a thread of its own. */
    public synchronized void start(ObjectSink sink) throws IOException {
        this.sink = sink;
        if (!Files.isDirectory(directory)) {
            throw new IOException("config directory " + directory + " does not exist or is not a directory");
        }
        watchService = FileSystems.getDefault().newWatchService();
        scan();
        sink.synced(NAME);
        watcher = new Thread(this::watch, "ambit-file-source");
        watcher.setDaemon(true);
        watcher.start();
        log.info("event=file_source_started directory={} files={} objects={} errors={}", directory, files.size(),
                objects.size(), errors.size());
    }

    /** Where an object was read from, for error reports. */
    public Optional<LocatedObject> origin(ObjectKey key) {
        return Optional.ofNullable(objects.get(key));
    }

    /** Files whose latest version could not be used, with the reason ({@code file:line: problem}). */
    public Map<Path, String> errors() {
        return Map.copyOf(errors);
    }

    /** Reads whatever changed since the last scan; also what the watcher calls. */
    public synchronized void scan() {
        List<Path> present;
        try (Stream<Path> walk = Files.walk(directory, MAX_DEPTH)) {
            present = walk.filter(FileSource::isConfigFile).sorted().toList();
        } catch (IOException e) {
            log.warn("event=config_directory_unreadable directory={} error=\"{}\"", directory, e.getMessage());
            return;
        }
        Set<Path> gone = files.keySet().stream().filter(file -> !present.contains(file)).collect(Collectors.toSet());
        for (Path file : gone) {
            replace(file, files.remove(file).objects(), Map.of());
            errors.remove(file);
            log.info("event=config_file_removed file={}", file);
        }
        for (Path file : present) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                FileState known = files.get(file);
                if (known == null || !known.modified().equals(attributes.lastModifiedTime())
                        || known.size() != attributes.size()) {
                    load(file, attributes, known == null ? Map.of() : known.objects());
                }
            } catch (IOException e) {
                // Removed between the listing and the read: the next scan sees it gone.
                log.debug("event=config_file_vanished file={} error=\"{}\"", file, e.getMessage());
            }
        }
        registerDirectories();
    }

    private void load(Path file, BasicFileAttributes attributes, Map<ObjectKey, LocatedObject> previous)
            throws IOException {
        Map<ObjectKey, LocatedObject> current;
        try {
            if (attributes.size() > MAX_FILE_BYTES) {
                throw new YamlFileException(file, 1, "file is larger than " + MAX_FILE_BYTES + " bytes");
            }
            current = index(file, yaml.read(file, Files.readString(file)));
        } catch (YamlFileException e) {
            files.put(file, new FileState(attributes.lastModifiedTime(), attributes.size(), previous));
            errors.put(file, e.getMessage());
            log.warn("event=config_file_invalid file={} line={} error=\"{}\" action=keeping_previous_version", file,
                    e.line(), e.getMessage());
            return;
        }
        files.put(file, new FileState(attributes.lastModifiedTime(), attributes.size(), current));
        if (errors.remove(file) != null) {
            log.info("event=config_file_valid file={}", file);
        }
        replace(file, previous, current);
    }

    private Map<ObjectKey, LocatedObject> index(Path file, List<LocatedObject> read) throws YamlFileException {
        Map<ObjectKey, LocatedObject> indexed = new HashMap<>();
        for (LocatedObject located : read) {
            ObjectKey key = ObjectKey.of(located.object());
            LocatedObject elsewhere = objects.get(key);
            LocatedObject other = indexed.containsKey(key) ? indexed.get(key)
                    : elsewhere != null && !elsewhere.file().equals(file) ? elsewhere : null;
            if (other != null) {
                throw new YamlFileException(file, located.line(), key + " is already defined at " + other.file() + ":"
                        + other.line());
            }
            indexed.put(key, located);
        }
        return indexed;
    }

    private void replace(Path file, Map<ObjectKey, LocatedObject> previous, Map<ObjectKey, LocatedObject> current) {
        previous.forEach((key, old) -> {
            if (!current.containsKey(key)) {
                objects.remove(key);
                sink.delete(old.object());
            }
        });
        current.forEach((key, located) -> {
            LocatedObject old = previous.get(key);
            objects.put(key, located);
            if (old == null || !old.object().equals(located.object())) {
                sink.upsert(located.object());
            }
        });
        log.debug("event=config_file_read file={} objects={}", file, current.size());
    }

    private void registerDirectories() {
        try (Stream<Path> walk = Files.walk(directory, MAX_DEPTH)) {
            for (Path dir : walk.filter(Files::isDirectory).toList()) {
                dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException | ClosedWatchServiceException e) {
            log.debug("event=config_directory_watch_failed directory={} error=\"{}\"", directory, e.getMessage());
        }
    }

    private void watch() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watchService.poll(rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    Thread.sleep(SETTLE_MILLIS);
                }
                scan();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isConfigFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(file);
    }

    @Override
    public synchronized void close() throws IOException {
        if (watcher != null) {
            watcher.interrupt();
        }
        if (watchService != null) {
            watchService.close();
        }
    }
}
