package dev.ambit.ztunnel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {

    @TempDir
    Path dir;

    @Test
    void theFirstNameserverThatIsAnAddress() throws IOException {
        Path file = write("""
                # generated
                search demo.svc.cluster.local svc.cluster.local
                options ndots:5
                nameserver dns.example
                  nameserver 10.96.0.10   # kube-dns
                nameserver 10.96.0.11
                """);
        assertEquals(Optional.of(new InetSocketAddress(MeshNamesTest.address("10.96.0.10"), 53)),
                ResolvConf.firstNameserver(file));
    }

    @Test
    void ipv6AndNone() throws IOException {
        assertEquals(Optional.of(new InetSocketAddress(MeshNamesTest.address("fd00::a"), 53)),
                ResolvConf.firstNameserver(write("nameserver fd00::a\n")));
        assertEquals(Optional.empty(), ResolvConf.firstNameserver(write("search example\n")));
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("resolv.conf");
        Files.writeString(file, content);
        return file;
    }
}
