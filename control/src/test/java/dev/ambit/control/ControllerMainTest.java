package dev.ambit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.control.model.MeshSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ControllerMainTest {

    @Test
    void helpDocumentsEveryFlag() {
        CommandLine command = new CommandLine(new ControllerMain());
        StringWriter out = new StringWriter();
        command.setOut(new PrintWriter(out));
        assertEquals(0, command.execute("--help"));
        String help = out.toString();
        for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            // Negatable flags read --[no-]name in the usage text.
            String name = option.longestName().replaceFirst("^--", "");
            assertTrue(help.contains(name), option.longestName() + " is missing from --help");
            assertTrue(option.description().length > 0 && !option.description()[0].isBlank(),
                    option.longestName() + " has no description");
        }
    }

    /** The builder's defaults are the flags': tests and tools that build a config start where the command does. */
    @Test
    void theBuilderStartsFromTheFlagsDefaults() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--kubernetes");
        ControllerMain main = command.getCommand();
        ControllerConfig flags = main.config();
        ControllerConfig built = ControllerConfig.builder().podName(flags.podName()).build();

        assertEquals(built, flags);
    }

    @Test
    void everyFlagReachesTheConfig() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/etc/mesh", "--listen-address", "127.0.0.1", "--config-port", "1",
                "--ca-port", "2", "--metrics-port", "3", "--trust-domain", "example.org", "--cluster-domain", "c.local",
                "--root-namespace", "mesh-root", "--ca-cert", "/ca.pem", "--ca-key", "/ca.key", "--max-workload-cert-ttl", "PT10M", "--root-cert-out",
                "/roots.pem", "--bootstrap-tokens", "/tokens", "--token-audience", "aud", "--plaintext",
                "--no-leader-election", "--lease-name", "lease", "--lease-duration", "PT5S", "--pod-name", "pod",
                "--waypoint-image", "image", "--controller-host", "host", "--answer-timeout", "PT7S", "--max-clients",
                "9", "--tracing-endpoint", "http://collector:4318", "--tracing-sampling", "0.5",
                "--graph-scrape-interval", "PT2S", "--graph-prometheus-url", "http://prometheus:9090",
                "--ingress-service-type", "NodePort");
        ControllerMain main = command.getCommand();

        assertEquals(new ControllerConfig(Optional.of(Path.of("/etc/mesh")), InetAddress.getLoopbackAddress(), 1, 2, 3,
                new MeshSettings("example.org", "c.local", "mesh-root"), Optional.of(Path.of("/ca.pem")),
                Optional.of(Path.of("/ca.key")), Optional.empty(), Duration.ofMinutes(10), Optional.of(Path.of("/roots.pem")), Optional.of(Path.of("/tokens")),
                "aud", true, false, "lease", Duration.ofSeconds(5), "pod", "image", "host", Duration.ofSeconds(7), 9,
                TracingSettings.parse("http://collector:4318/v1/traces", "0.5"), Duration.ofSeconds(2),
                Optional.of(java.net.URI.create("http://prometheus:9090")), "NodePort"),
                main.config());
    }

    @Test
    void aWorkloadCertificateLifetimeUnderAMinuteIsRefusedWithTheFlagsName() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/tmp", "--max-workload-cert-ttl", "PT30S");
        ControllerMain main = command.getCommand();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                main::config);
        assertTrue(e.getMessage().contains("--max-workload-cert-ttl PT30S"), e.getMessage());
    }

    @Test
    void aCaDirectoryBesideAGivenCaIsRefused() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/tmp", "--ca-dir", "/var/lib/ca", "--ca-cert", "/ca.pem", "--ca-key",
                "/ca.key");
        ControllerMain main = command.getCommand();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                main::config);
        assertTrue(e.getMessage().contains("--ca-dir"), e.getMessage());
    }

    @Test
    void badTracingValuesAreRefusedWithTheFlagsName() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/tmp", "--tracing-endpoint", "http://collector:4318", "--tracing-sampling",
                "2");
        ControllerMain main = command.getCommand();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                main::config);
        assertEquals("--tracing-sampling must be a number from 0 to 1, got '2'", e.getMessage());
        command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/tmp", "--tracing-endpoint", "collector:4317");
        ControllerMain other = command.getCommand();
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, other::config);
        assertTrue(e.getMessage().startsWith("--tracing-endpoint must be an http:// or https:// URL"), e.getMessage());
    }

    @Test
    void plaintextIsRefusedOffLoopback() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/tmp", "--plaintext", "--listen-address", "10.1.2.3");
        ControllerMain main = command.getCommand();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                main::config);
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }

    @Test
    void aBadBootstrapTokenFileStopsTheStartWithOneLineNamingTheFileAndLine(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path tokens = java.nio.file.Files.writeString(dir.resolve("tokens"), "short node1\n");
        CommandLine command = ControllerMain.commandLine();
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err));

        assertEquals(1, command.execute("--config-dir", dir.toString(), "--listen-address", "127.0.0.1",
                "--config-port", "0", "--ca-port", "0", "--metrics-port", "0", "--bootstrap-tokens", tokens.toString(),
                "--no-leader-election"));

        assertEquals("controller: " + tokens + ":1: token is shorter than 16 characters", err.toString().strip());
    }
}
