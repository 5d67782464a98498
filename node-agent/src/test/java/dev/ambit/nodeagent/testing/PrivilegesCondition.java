package dev.ambit.nodeagent.testing;

import dev.ambit.host.bpf.LibbpfRuntime;
import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Evaluates {@link RequiresPrivileges}. */
final class PrivilegesCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> missing = missingPrivilege();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("root, eBPF, cgroup v2, netns and python3 are available");
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and this privileged test cannot run: " + missing.get());
        }
        return ConditionEvaluationResult.disabled("needs " + missing.get() + " (run as root on Linux; under CI=true this fails)");
    }

    private static Optional<String> missingPrivilege() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("root");
        }
        try {
            Cgroup2.root(MountTable.read());
        } catch (RuntimeException e) {
            return Optional.of("cgroup v2: " + e.getMessage());
        }
        try {
            LibbpfRuntime.get();
        } catch (RuntimeException e) {
            return Optional.of("libbpf: " + e.getMessage());
        }
        if (!onPath("ip") || !onPath("python3")) {
            return Optional.of("the ip (iproute2) and python3 commands");
        }
        return Optional.empty();
    }

    private static boolean onPath(String command) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
