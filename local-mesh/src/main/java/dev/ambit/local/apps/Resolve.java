package dev.ambit.local.apps;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code Resolve <name> ...}: looks each name up as an application does (the JDK's resolver, which asks the
 * system's, i.e. glibc with the pod's /etc/resolv.conf) and prints one line, {@code name=address,address name=!}
 * with {@code !} for a name that did not resolve; IPv6 addresses in their short form ({@code fd00:10:96::10}).
 */
public final class Resolve {

    /** Printed for a name that did not resolve. */
    public static final String UNRESOLVED = "!";

    private Resolve() {
    }

    public static void main(String[] args) {
        System.out.println(Arrays.stream(args).map(name -> name + "=" + addresses(name))
                .collect(Collectors.joining(" ")));
    }

    private static String addresses(String name) {
        try {
            return Arrays.stream(InetAddress.getAllByName(name)).map(IpText::of)
                    .collect(Collectors.joining(","));
        } catch (UnknownHostException e) {
            return UNRESOLVED;
        }
    }
}
