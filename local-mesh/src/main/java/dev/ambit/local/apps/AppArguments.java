package dev.ambit.local.apps;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** The {@code name=value} options the sample clients take after their positional arguments. */
final class AppArguments {

    private AppArguments() {
    }

    /** The value of {@code name=} among {@code args[from..]}, or {@code otherwise}. */
    static long option(String[] args, int from, String name, long otherwise) {
        String value = value(args, from, name);
        return value == null ? otherwise : Long.parseLong(value);
    }

    /** {@code stop_file=PATH}: the client stops once that file exists; null without the option. */
    static Path stopFile(String[] args, int from) {
        String value = value(args, from, "stop_file");
        return value == null ? null : Path.of(value);
    }

    /** {@code host:port}, an IPv6 host in brackets ({@code [fd00:10:96::10]:8080}), as in a URL. */
    static InetSocketAddress hostAndPort(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || (target.indexOf(':') != colon && !target.startsWith("["))) {
            throw new IllegalArgumentException("'" + target + "' is not host:port (an IPv6 address in brackets)");
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(target.substring(colon + 1)));
    }

    private static String value(String[] args, int from, String name) {
        String prefix = name + "=";
        for (int i = from; i < args.length; i++) {
            if (args[i].startsWith(prefix)) {
                return args[i].substring(prefix.length());
            }
        }
        return null;
    }
}
