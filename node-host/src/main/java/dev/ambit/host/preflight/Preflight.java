package dev.ambit.host.preflight;

import dev.ambit.host.bpf.BpfObject;
import dev.ambit.host.bpf.LibbpfRuntime;
import dev.ambit.host.bpf.PackagedPrograms;
import dev.ambit.host.Bpffs;
import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the node must offer before the agent can steer traffic; each requirement is checked on its own. */
public final class Preflight {

    private static final int MIN_KERNEL_MAJOR = 5;
    private static final int MIN_KERNEL_MINOR = 10;
    private static final Pattern KERNEL_VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");
    private static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_BPF = 39;

    private final Path bpffs;
    private final Path cgroupRoot;
    private final MountTable mounts;

    /**
     * @param bpffs      where pins go (its parent gets bpffs mounted when it is not yet)
     * @param cgroupRoot the cgroup v2 directory to check, or null for the host's cgroup v2 mount
     */
    public Preflight(Path bpffs, Path cgroupRoot) {
        this.bpffs = bpffs.toAbsolutePath().normalize();
        this.cgroupRoot = cgroupRoot;
        this.mounts = MountTable.read();
    }

    public List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        results.add(kernel());
        results.add(cgroupV2());
        results.add(btf());
        results.add(bpffs());
        CheckResult capabilities = capabilities();
        results.add(capabilities);
        CheckResult libbpf = libbpf();
        results.add(libbpf);
        if (libbpf.passed() && capabilities.passed()) {
            results.add(programsLoad());
        }
        return results;
    }

    private CheckResult kernel() {
        String release = System.getProperty("os.version");
        Matcher version = KERNEL_VERSION.matcher(release);
        String requirement = "kernel >= " + MIN_KERNEL_MAJOR + "." + MIN_KERNEL_MINOR;
        if (version.find()) {
            int major = Integer.parseInt(version.group(1));
            int minor = Integer.parseInt(version.group(2));
            if (major > MIN_KERNEL_MAJOR || (major == MIN_KERNEL_MAJOR && minor >= MIN_KERNEL_MINOR)) {
                return CheckResult.pass(requirement, release);
            }
        }
        return CheckResult.fail(requirement, release, "upgrade the node's kernel to 5.10 or newer");
    }

    private CheckResult cgroupV2() {
        String requirement = "cgroup v2";
        String fix = "mount cgroup v2 (mount -t cgroup2 none /sys/fs/cgroup/unified) or boot with systemd.unified_cgroup_hierarchy=1";
        try {
            Path root = cgroupRoot == null ? Cgroup2.root(mounts) : Cgroup2.requireCgroup(cgroupRoot, mounts);
            return CheckResult.pass(requirement, "mounted at " + root);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return CheckResult.fail(requirement, e.getMessage(), fix);
        }
    }

    private CheckResult btf() {
        return Files.isReadable(BTF)
                ? CheckResult.pass("BTF", BTF.toString())
                : CheckResult.fail("BTF", BTF + " is missing", "use a kernel built with CONFIG_DEBUG_INFO_BTF=y");
    }

    private CheckResult bpffs() {
        String requirement = "bpffs";
        if (Bpffs.isOnBpffs(bpffs, mounts)) {
            return CheckResult.pass(requirement, bpffs + " is mounted");
        }
        if (Files.isDirectory(bpffs)) {
            return CheckResult.pass(requirement, bpffs + " is not mounted yet; the agent mounts it on start");
        }
        return CheckResult.fail(requirement, bpffs + " does not exist",
                "mkdir -p " + bpffs + " && mount -t bpf bpf " + bpffs + ", or pass the bpffs path");
    }

    private CheckResult capabilities() {
        String requirement = "capabilities";
        BigInteger effective = effectiveCapabilities();
        List<String> missing = new ArrayList<>();
        if (!effective.testBit(CAP_BPF) && !effective.testBit(CAP_SYS_ADMIN)) {
            missing.add("CAP_BPF");
        }
        if (!effective.testBit(CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        if (!effective.testBit(CAP_SYS_ADMIN)) {
            missing.add("CAP_SYS_ADMIN (to mount bpffs)");
        }
        return missing.isEmpty()
                ? CheckResult.pass(requirement, "CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN")
                : CheckResult.fail(requirement, "missing " + String.join(", ", missing),
                        "run as root or grant the capabilities (securityContext.capabilities.add in the DaemonSet)");
    }

    private static BigInteger effectiveCapabilities() {
        try {
            return Files.readAllLines(PROC_STATUS).stream()
                    .filter(line -> line.startsWith("CapEff:"))
                    .map(line -> new BigInteger(line.substring("CapEff:".length()).trim(), 16))
                    .findFirst()
                    .orElse(BigInteger.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC_STATUS, e);
        }
    }

    private static CheckResult libbpf() {
        try {
            return CheckResult.pass("libbpf", "libbpf.so.1 version " + LibbpfRuntime.get().version());
        } catch (RuntimeException e) {
            return CheckResult.fail("libbpf", e.getMessage(), "apt-get install libbpf1");
        }
    }

    /** The real proof: the kernel's verifier accepts every steering program. */
    private static CheckResult programsLoad() {
        try (BpfObject object = BpfObject.open(PackagedPrograms.redirect())) {
            object.load();
            return CheckResult.pass("eBPF programs", "ambit_redirect.bpf.o loads and verifies");
        } catch (RuntimeException e) {
            return CheckResult.fail("eBPF programs", e.getMessage(), "see the verifier message; the kernel lacks a feature the programs use");
        }
    }
}
