package dev.ambit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    @Test
    void plaintextIsRefusedOffLoopback() {
        CommandLine command = new CommandLine(new ControllerMain());
        command.parseArgs("--config-dir", "/tmp", "--plaintext", "--listen-address", "10.1.2.3");
        ControllerMain main = command.getCommand();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                main::config);
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }
}
