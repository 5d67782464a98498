package dev.ambit.nodeagent;

import dev.ambit.runtime.logging.EventLogConfigurator;
import dev.ambit.nodeagent.cli.InstallCniCommand;
import dev.ambit.nodeagent.cli.PreflightCommand;
import dev.ambit.nodeagent.cli.RunCommand;
import dev.ambit.nodeagent.cli.TunnelCommand;
import dev.ambit.nodeagent.cli.UninstallSteeringCommand;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code node-agent}: the per-node agent's command line. */
@Command(name = "node-agent", mixinStandardHelpOptions = true,
        description = "Ambit node agent: steers enrolled pods' traffic into the node tunnel with eBPF (run), and the"
                + " node tunnel itself, as a separate process (tunnel).",
        subcommands = {RunCommand.class, TunnelCommand.class, PreflightCommand.class, UninstallSteeringCommand.class,
                InstallCniCommand.class})
public final class NodeAgentMain {

    public static void main(String[] args) {
        NettyProcessDefaults.apply();
        // Before anything logs: standard output is command output (`node-agent check`, `install-cni`), logs go apart.
        if (System.getProperty(EventLogConfigurator.TARGET_PROPERTY) == null) {
            System.setProperty(EventLogConfigurator.TARGET_PROPERTY, "stderr");
        }
        System.exit(commandLine().execute(args));
    }

    /** A failure is one line naming the problem (the exceptions' messages carry the fix), not a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new NodeAgentMain())
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    commandLine.getErr().println("node-agent " + commandLine.getCommandName() + ": " + exception.getMessage());
                    return 1;
                });
    }
}
