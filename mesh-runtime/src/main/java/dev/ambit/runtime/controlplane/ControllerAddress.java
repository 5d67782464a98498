package dev.ambit.runtime.controlplane;

/** Where a controller port is: {@code host:port}, the host a name or an IP literal ({@code [v6]:port} for IPv6). */
public record ControllerAddress(String host, int port) {

    public ControllerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("controller address has no host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("controller port " + port + " is not within 1..65535");
        }
    }

    public static ControllerAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new ControllerAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
