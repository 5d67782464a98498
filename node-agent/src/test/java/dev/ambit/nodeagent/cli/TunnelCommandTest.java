package dev.ambit.nodeagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TunnelCommandTest {

    @Test
    void theAdminEndpointIsOnLoopback15000ByDefaultWhateverTheListenAddress() {
        TunnelCommand command = parse("--listen-address", "10.1.2.3");

        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 15000)), command.admin());
    }

    @Test
    void adminPortZeroTurnsItOff() {
        assertEquals(Optional.empty(), parse("--admin-port", "0").admin());
        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9901)),
                parse("--admin-port", "9901").admin());
    }

    @Test
    void refusesAPortOutOfRange() {
        CommandLine.ParameterException refused = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--admin-port", "70000"));
        assertTrue(refused.getMessage().contains("--admin-port must be 0 (off) to 65535, not 70000"),
                refused.getMessage());
    }

    private static TunnelCommand parse(String... flags) {
        TunnelCommand command = new TunnelCommand();
        String[] args = new String[flags.length + 2];
        args[0] = "--node-name";
        args[1] = "node-a";
        System.arraycopy(flags, 0, args, 2, flags.length);
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
