package dev.ambit.local.apps;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address as people and manifests write it: IPv6 in its short form (RFC 5952, {@code fd00:10:96::10}), where
 * the JDK writes every group ({@code fd00:10:96:0:0:0:0:10}). JDK classes only, as the samples image needs.
 */
final class IpText {

    private IpText() {
    }

    static String of(InetAddress address) {
        String text = address.getHostAddress();
        if (!(address instanceof Inet6Address)) {
            return text;
        }
        int percent = text.indexOf('%');
        String scope = percent < 0 ? "" : text.substring(percent);
        String[] groups = (percent < 0 ? text : text.substring(0, percent)).split(":");
        // The longest run of two or more zero groups (the first of equals) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int length = 0;
            while (i + length < groups.length && groups[i + length].equals("0")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups) + scope;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }
}
