package dev.ambit.nodeagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.ztunnel.dns.DnsProxySettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
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

    @Test
    void newSourcesWaitFiveSecondsByDefaultAndNeverANegativeTime() {
        assertEquals(Duration.ofSeconds(5), parse().sourceWait());
        assertEquals(Duration.ZERO, parse("--source-wait", "PT0S").sourceWait());
        CommandLine.ParameterException refused = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--source-wait", "-PT1S"));
        assertTrue(refused.getMessage().contains("--source-wait must not be negative"), refused.getMessage());
    }

    @Test
    void theDnsProxyIsOnByDefaultOn15053OfTheListenAddress() {
        DnsProxySettings dns = parse("--listen-address", "10.1.2.3", "--dns-upstream", "10.0.0.53").dns()
                .orElseThrow();

        assertEquals(new InetSocketAddress(address("10.1.2.3"), 15053), dns.listen());
        assertEquals(new InetSocketAddress(address("10.0.0.53"), 53), dns.upstream());
        assertEquals("cluster.local", dns.clusterDomain());
    }

    @Test
    void byDefaultTheListenersTakeBothFamiliesOnOneSocket() {
        // This host has IPv6: the default is ::, which a dual-stack socket binds for IPv4 too.
        assertEquals(new InetSocketAddress(address("::"), 15053),
                parse("--dns-upstream", "10.0.0.53").dns().orElseThrow().listen());
    }

    @Test
    void noDnsProxyTurnsItOff() {
        assertEquals(Optional.empty(), parse("--no-dns-proxy").dns());
    }

    @Test
    void theDnsUpstreamTakesAPortAndIpv6() {
        assertEquals(new InetSocketAddress(address("10.0.0.53"), 5353),
                parse("--dns-upstream", "10.0.0.53:5353").dns().orElseThrow().upstream());
        assertEquals(new InetSocketAddress(address("fd00::53"), 53),
                parse("--dns-upstream", "fd00::53").dns().orElseThrow().upstream());
        assertEquals(new InetSocketAddress(address("fd00::53"), 5353),
                parse("--dns-upstream", "[fd00::53]:5353").dns().orElseThrow().upstream());
        assertEquals("corp.internal", parse("--dns-upstream", "10.0.0.53", "--cluster-domain", "Corp.Internal.")
                .dns().orElseThrow().clusterDomain());
    }

    @Test
    void refusesAnUpstreamThatIsNoAddress() {
        CommandLine.ParameterException name = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--dns-upstream", "dns.example").dns());
        assertTrue(name.getMessage().contains("--dns-upstream must be an IP address"), name.getMessage());
        CommandLine.ParameterException port = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--dns-upstream", "10.0.0.53:0").dns());
        assertTrue(port.getMessage().contains("no port 1 to 65535"), port.getMessage());
    }

    private static InetAddress address(String literal) {
        return io.netty.util.NetUtil.createInetAddressFromIpAddressString(literal);
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
