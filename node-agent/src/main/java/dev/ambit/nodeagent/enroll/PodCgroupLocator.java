package dev.ambit.nodeagent.enroll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds pods' cgroups under the node's pods cgroup by pod UID, the way the kubelet names them:
 * {@code kubepods/besteffort/pod<uid>} (cgroupfs driver), {@code kubepods-besteffort-pod<uid_with_underscores>.slice}
 * (systemd driver), and the local mesh's {@code pods/pod<uid>}. Container cgroups below a pod's are not pods.
 */
public final class PodCgroupLocator {

    /** "pod" + a UID (hyphens or, from the systemd driver, underscores), optionally ".slice", ending the name. */
    private static final Pattern POD_CGROUP = Pattern.compile("pod([0-9a-zA-Z_-]+?)(?:\\.slice)?");
    /** How deep below the pods cgroup pods are looked for (the kubelet nests them two levels at most). */
    static final int MAX_DEPTH = 4;

    private final Path podsCgroup;

    public PodCgroupLocator(Path podsCgroup) {
        this.podsCgroup = podsCgroup;
    }

    /** Every pod cgroup that exists now, by pod UID (hyphenated, as the API server writes it). */
    public Map<String, Path> podCgroupsByUid() {
        Map<String, Path> byUid = new HashMap<>();
        if (!Files.isDirectory(podsCgroup)) {
            return byUid;
        }
        try (Stream<Path> tree = Files.walk(podsCgroup, MAX_DEPTH)) {
            tree.filter(Files::isDirectory).forEach(dir -> uidOf(dir).ifPresent(uid -> {
                // The first (outermost) match is the pod; deeper ones are its containers.
                byUid.merge(uid, dir, (outer, inner) -> outer.getNameCount() <= inner.getNameCount() ? outer : inner);
            }));
        } catch (IOException | UncheckedIOException e) {
            // A pod cgroup vanishing mid-walk is normal churn: the next pass sees the settled tree.
            return byUid;
        }
        return byUid;
    }

    /**
     * The pod UID a cgroup's name carries: the first "pod" that starts the name or follows a '-' and is followed by a
     * UID to the end of the name. The first, not the last: a UID may itself contain "pod" after a hyphen (the local
     * mesh's {@code poddemo-podstart-1} is pod {@code demo-podstart-1}, not {@code start-1}), while the systemd
     * driver's prefixes ({@code kubepods-besteffort-}) have no "pod" after a '-'.
     */
    public static Optional<String> uidOf(Path directory) {
        String name = directory.getFileName().toString();
        for (int at = name.indexOf("pod"); at >= 0; at = name.indexOf("pod", at + 1)) {
            if (at > 0 && name.charAt(at - 1) != '-') {
                continue;
            }
            Matcher matcher = POD_CGROUP.matcher(name.substring(at));
            if (matcher.matches()) {
                return Optional.of(matcher.group(1).replace('_', '-'));
            }
        }
        return Optional.empty();
    }
}
