package dev.ambit.waypoint.process;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.waypoint.route.GatewayListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One listener of an ingress gateway, from its {@code --listener} flag as the controller writes it:
 * {@code NAME,PROTOCOL,PORT,HOSTNAME|*[,CERTIFICATE-DIR...]} (docs/ingress.md). HTTPS listeners name the directories
 * their certificate Secrets are mounted in, each holding {@code tls.crt} and {@code tls.key}.
 */
public record IngressListenerSpec(String name, String protocol, int port, Optional<String> hostname,
        List<Path> certificates) {

    public IngressListenerSpec {
        if (!protocol.equals("HTTP") && !protocol.equals("HTTPS")) {
            throw new IllegalArgumentException("listener " + name + ": protocol " + protocol
                    + " is not HTTP or HTTPS");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("listener " + name + ": port " + port + " is not within 1..65535");
        }
        if (protocol.equals("HTTPS") && certificates.isEmpty()) {
            throw new IllegalArgumentException("listener " + name + ": HTTPS needs a certificate directory");
        }
        certificates = List.copyOf(certificates);
    }

    public static IngressListenerSpec parse(String flag) {
        String[] parts = flag.split(",", -1);
        if (parts.length < 4 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("--listener " + flag
                    + ": expected NAME,PROTOCOL,PORT,HOSTNAME|*[,CERTIFICATE-DIR...]");
        }
        int port;
        try {
            port = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listener " + flag + ": port " + parts[2] + " is not a number");
        }
        List<Path> certificates = new ArrayList<>();
        for (int i = 4; i < parts.length; i++) {
            certificates.add(Path.of(parts[i]));
        }
        return new IngressListenerSpec(parts[0], parts[1], port,
                parts[3].equals("*") ? Optional.empty() : Optional.of(parts[3]), certificates);
    }

    public GatewayListener listenerOf(NamespacedName gateway) {
        return new GatewayListener(gateway, name, port, hostname);
    }
}
