package dev.ambit.nodeagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.nodeagent.agent.NodeIps;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code node-agent run}'s flags: the node's addresses, one per family. */
class RunCommandTest {

    @Test
    void aSingleStackNodeHasOneAddress() {
        NodeIps ips = parse("--node-ip", "10.0.0.1").nodeIps();
        assertEquals(List.of(address("10.0.0.1")), ips.all());
        assertEquals(Optional.empty(), ips.ipv6());
        assertEquals(List.of(address("fd00::1")), parse("--node-ip", "fd00::1").nodeIps().all());
    }

    @Test
    void aDualStackNodeHasOnePerFamilyInEitherOrder() {
        List<InetAddress> expected = List.of(address("10.0.0.1"), address("fd00::1"));
        assertEquals(expected, parse("--node-ip", "10.0.0.1,fd00::1").nodeIps().all());
        assertEquals(expected, parse("--node-ip", "fd00::1, 10.0.0.1").nodeIps().all());
        assertEquals("10.0.0.1,fd00:0:0:0:0:0:0:1", parse("--node-ip", "fd00::1,10.0.0.1").nodeIps().toString());
    }

    @Test
    void refusesWhatIsNoAddressOrTwoOfOneFamily() {
        assertRefused("--node-ip: 'node-a' is not an IP address (in '10.0.0.1,node-a')", "10.0.0.1,node-a");
        assertRefused("--node-ip: '10.0.0.1,10.0.0.2' has two IPv4 addresses; one per family", "10.0.0.1,10.0.0.2");
        assertRefused("--node-ip: 'fd00::1,fd00::2' has two IPv6 addresses; one per family", "fd00::1,fd00::2");
        assertRefused("--node-ip: '' is not an IP address (in '')", "");
    }

    private static void assertRefused(String message, String value) {
        CommandLine.ParameterException refused = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--node-ip", value));
        assertTrue(refused.getMessage().contains(message), refused.getMessage());
    }

    private static InetAddress address(String literal) {
        return NetUtil.createInetAddressFromIpAddressString(literal);
    }

    private static RunCommand parse(String... flags) {
        RunCommand command = new RunCommand();
        String[] args = new String[flags.length + 2];
        args[0] = "--node-name";
        args[1] = "node-a";
        System.arraycopy(flags, 0, args, 2, flags.length);
        new CommandLine(command).parseArgs(args);
        return command;
    }
}
