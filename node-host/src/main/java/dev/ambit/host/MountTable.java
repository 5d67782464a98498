package dev.ambit.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The mounts of this process's mount namespace, as {@code /proc/mounts} lists them. */
public final class MountTable {

    public static final Path PROC_MOUNTS = Path.of("/proc/mounts");

    /** /proc/mounts escapes space, tab, newline and backslash as three octal digits. */
    private static final Pattern OCTAL_ESCAPE = Pattern.compile("\\\\([0-7]{3})");

    private final List<Mount> mounts;

    private MountTable(List<Mount> mounts) {
        this.mounts = mounts;
    }

    public static MountTable read() {
        return read(PROC_MOUNTS);
    }

    static MountTable read(Path file) {
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static MountTable parse(List<String> lines) {
        return new MountTable(lines.stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length >= 3)
                .map(fields -> new Mount(unescape(fields[0]), Path.of(unescape(fields[1])), fields[2]))
                .toList());
    }

    private static String unescape(String field) {
        Matcher escape = OCTAL_ESCAPE.matcher(field);
        return escape.replaceAll(m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
    }

    /** The first mount of this file-system type, e.g. {@code cgroup2}. */
    public Optional<Mount> firstOfType(String type) {
        return mounts.stream().filter(mount -> mount.type().equals(type)).findFirst();
    }

    /** The mount a path lives on: the last-mounted one among those with the longest matching mount point. */
    public Optional<Mount> containing(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return mounts.stream()
                .filter(mount -> absolute.startsWith(mount.mountPoint()))
                .reduce((earlier, later) -> later.mountPoint().getNameCount() >= earlier.mountPoint().getNameCount() ? later : earlier);
    }

    public record Mount(String source, Path mountPoint, String type) {
    }
}
