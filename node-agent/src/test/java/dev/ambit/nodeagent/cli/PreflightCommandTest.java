package dev.ambit.nodeagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.nodeagent.NodeAgentMain;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PreflightCommandTest {

    @Test
    @RequiresPrivileges
    void passesOnThisNode() {
        Run run = check();

        assertEquals(0, run.exit(), run.output());
        assertFalse(run.output().contains("✗"), run.output());
        assertTrue(run.output().contains("✓ eBPF programs: ambit_redirect.bpf.o loads and verifies"), run.output());
    }

    @Test
    void failsNamingAMissingBpffsPath() {
        Run run = check("--bpffs", "/nonexistent/ambt-bpffs");

        assertEquals(1, run.exit());
        assertTrue(run.lines().contains("✗ bpffs: /nonexistent/ambt-bpffs does not exist — fix: "
                + "mkdir -p /nonexistent/ambt-bpffs && mount -t bpf bpf /nonexistent/ambt-bpffs, or pass the bpffs path"), run.output());
    }

    @Test
    void failsNamingAMissingCgroupPath() {
        Run run = check("--cgroup", "/nonexistent/ambt-cgroup");

        assertEquals(1, run.exit());
        assertTrue(run.lines().stream().anyMatch(line -> line.startsWith("✗ cgroup v2: cgroup /nonexistent/ambt-cgroup does not exist — fix: ")),
                run.output());
    }

    private static Run check(String... options) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = NodeAgentMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        String[] args = new String[options.length + 1];
        args[0] = "check";
        System.arraycopy(options, 0, args, 1, options.length);
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString());
    }

    private record Run(int exit, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }
}
