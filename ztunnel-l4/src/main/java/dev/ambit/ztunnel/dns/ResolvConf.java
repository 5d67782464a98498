package dev.ambit.ztunnel.dns;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The node's resolver as its {@code resolv.conf} names it: the first {@code nameserver} line, port 53. */
public final class ResolvConf {

    private static final int DNS_PORT = 53;

    private ResolvConf() {
    }

    /** The first name server {@code file} lists; empty when it lists none. */
    public static Optional<InetSocketAddress> firstNameserver(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(String::strip)
                    .filter(line -> line.startsWith("nameserver"))
                    .map(line -> line.substring("nameserver".length()).strip())
                    // A comment after the address goes.
                    .map(value -> value.split("[\\s#;]", 2)[0])
                    .filter(value -> !value.isEmpty())
                    .flatMap(value -> parse(value).stream())
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's resolver from " + file, e);
        }
    }

    private static Optional<InetSocketAddress> parse(String literal) {
        // Only IP literals: resolving a name here would need the resolver we are looking for.
        return Optional.ofNullable(NetUtil.createInetAddressFromIpAddressString(literal))
                .map(address -> new InetSocketAddress(address, DNS_PORT));
    }
}
