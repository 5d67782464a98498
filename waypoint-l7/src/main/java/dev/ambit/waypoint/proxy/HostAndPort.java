package dev.ambit.waypoint.proxy;

/** A {@code Host} header split into host and port ({@code -1} when absent); IPv6 literals keep their brackets. */
record HostAndPort(String host, int port) {

    static HostAndPort parse(String authority) {
        int colon = authority.lastIndexOf(':');
        int bracket = authority.lastIndexOf(']');
        if (colon < 0 || colon < bracket) {
            return new HostAndPort(authority, -1);
        }
        try {
            return new HostAndPort(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return new HostAndPort(authority, -1);
        }
    }
}
