package dev.ambit.nodeagent.cli;

import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code node-agent uninstall}: detaches all steering and removes every pin. */
@Command(name = "uninstall", description = "Detach the eBPF programs and remove every pin.")
public final class UninstallSteeringCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--pin-root", description = "the agent's bpffs pin directory (default: ${DEFAULT-VALUE})")
    private Path pinRoot = RedirectorConfig.DEFAULT_PIN_ROOT;

    @Override
    public Integer call() {
        int removed = BpfRedirector.uninstall(pinRoot);
        PrintWriter out = spec.commandLine().getOut();
        out.println("removed " + removed + " pins under " + pinRoot);
        out.flush();
        return 0;
    }
}
