package dev.ambit.nodeagent.cli;

import dev.ambit.host.Bpffs;
import dev.ambit.host.preflight.CheckResult;
import dev.ambit.host.preflight.Preflight;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code node-agent check}: one ✓/✗ line per requirement; exit 1 when any is missing. */
@Command(name = "check", description = "Check that this node can run the agent.")
public final class PreflightCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--bpffs", description = "bpffs directory (default: ${DEFAULT-VALUE})")
    private Path bpffs = Bpffs.DEFAULT_MOUNT_POINT;

    @Option(names = "--cgroup", description = "cgroup v2 directory to check (default: the host's cgroup v2 mount)")
    private Path cgroup;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<CheckResult> results = new Preflight(bpffs, cgroup).run();
        results.forEach(result -> out.println(result.line()));
        long failed = results.stream().filter(result -> !result.passed()).count();
        out.println(failed == 0 ? "node is ready" : failed + " requirement(s) missing");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
