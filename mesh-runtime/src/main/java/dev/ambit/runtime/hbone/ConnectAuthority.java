package dev.ambit.runtime.hbone;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** The {@code :authority} of an HBONE CONNECT: an IP literal and a port, never a name to resolve. */
public final class ConnectAuthority {

    private ConnectAuthority() {
    }

    public static String format(InetSocketAddress target) {
        return NetUtil.toSocketAddressString(target);
    }

    /** {@code 10.0.0.1:80} or {@code [fd00::1]:80}; empty for anything else. */
    public static Optional<InetSocketAddress> parse(CharSequence authority) {
        if (authority == null) {
            return Optional.empty();
        }
        String text = authority.toString();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return Optional.empty();
        }
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        int port = parsePort(text.substring(colon + 1));
        if (address == null || port < 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(address), port));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int port = Integer.parseInt(text);
        return port <= 65_535 ? port : -1;
    }
}
