package dev.ambit.api.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals, strictly and without ever consulting DNS: config carries addresses, and a
 * hostname that slipped through would be resolved on the data path, from the wrong place, at the wrong time.
 *
 * <p>IPv4 must be four dotted decimal octets without leading zeros ({@code 01.2.3.4} is octal to some parsers
 * and decimal to others, so it is refused). IPv6 is handed to the JDK only once it is known to be made of hex
 * digits, ':' and '.', and in brackets, which makes the JDK fail rather than fall back to a lookup.
 */
public final class IpLiteral {

    /** Longest IPv6 text: eight groups of four, or six groups and a dotted quad. */
    private static final int MAX_IPV6_LENGTH = 45;

    private IpLiteral() {
    }

    /** Whether {@code a} and {@code b} are of one address family (both IPv4 or both IPv6). */
    public static boolean sameFamily(InetAddress a, InetAddress b) {
        return a instanceof Inet6Address == b instanceof Inet6Address;
    }

    /** The address {@code text} spells; an {@link InvalidConfigException} with an empty field otherwise. */
    public static InetAddress parse(String text) {
        if (text != null) {
            try {
                byte[] ipv4 = parseIpv4(text);
                if (ipv4 != null) {
                    return InetAddress.getByAddress(ipv4);
                }
                if (text.indexOf(':') >= 0 && isIpv6Alphabet(text)) {
                    return InetAddress.getByName("[" + text + "]");
                }
            } catch (UnknownHostException e) {
                // Not a valid literal: reported below like any other.
            }
        }
        throw new InvalidConfigException("", "", "'" + text + "' is not an IP address");
    }

    private static byte[] parseIpv4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = octets[i];
            if (octet.isEmpty() || octet.length() > 3 || (octet.length() > 1 && octet.charAt(0) == '0')
                    || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(octet);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static boolean isIpv6Alphabet(String text) {
        return text.length() <= MAX_IPV6_LENGTH && text.chars().allMatch(c -> c == ':' || c == '.'
                || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    }
}
