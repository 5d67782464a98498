package dev.ambit.control.waypoint;

import dev.ambit.control.model.convert.GatewayAttachment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an ingress Gateway's listeners become: the ones it can serve (HTTP, and HTTPS terminated with the Secrets of
 * its own namespace that {@code tls.certificateRefs} names) with their ports and certificates, and for each listener
 * the conditions its status reports. A listener it cannot serve is reported and left out; the others still run.
 * The controller never reads the Secrets: the gateway's pod mounts them, so private keys stay between the kubelet
 * and the gateway.
 */
record IngressListeners(List<Served> served, List<Verdict> verdicts) {

    /** Where a listener's certificates are mounted in the gateway's pod, one directory per Secret. */
    static final String TLS_DIRECTORY = "/var/run/ambit-tls";

    /**
     * A listener the gateway serves.
     *
     * @param hostname     the listener's hostname, empty for any
     * @param certificates for HTTPS, the Secrets whose {@code tls.crt}/{@code tls.key} it serves (by SNI)
     */
    record Served(String name, String protocol, int port, Optional<String> hostname, List<String> certificates) {

        /** The gateway's flag for it: {@code --listener=NAME,PROTOCOL,PORT,HOSTNAME|*[,CERT-DIR...]}. */
        String flag() {
            StringBuilder flag = new StringBuilder("--listener=").append(name).append(',').append(protocol).append(',')
                    .append(port).append(',').append(hostname.orElse("*"));
            certificates.forEach(secret -> flag.append(',').append(TLS_DIRECTORY).append('/').append(secret));
            return flag.toString();
        }

        /** The Service and container port name: unique per port, at most 15 characters (IANA service names). */
        String portName() {
            return protocol.toLowerCase(Locale.ROOT) + "-" + port;
        }
    }

    /** A listener's conditions: Accepted, ResolvedRefs, and whether it is served (Programmed once deployed). */
    record Verdict(Listener listener, boolean accepted, String acceptedReason, boolean resolved, String resolvedReason,
            String message) {

        boolean served() {
            return accepted && resolved;
        }
    }

    static IngressListeners of(Gateway gateway) {
        String namespace = gateway.getMetadata().getNamespace();
        List<Served> served = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        Map<Integer, String> protocolByPort = new HashMap<>();
        Set<String> hostnamesSeen = new HashSet<>();
        List<Listener> listeners = gateway.getSpec().getListeners() == null ? List.of()
                : gateway.getSpec().getListeners();
        for (Listener listener : listeners) {
            String protocol = listener.getProtocol();
            int port = listener.getPort() == null ? 0 : listener.getPort();
            Optional<String> hostname = Optional.ofNullable(listener.getHostname());
            if (!GatewayAttachment.SUPPORTED_PROTOCOLS.contains(protocol)) {
                verdicts.add(new Verdict(listener, false, "UnsupportedProtocol", true, "ResolvedRefs",
                        "protocol " + protocol + " is not served; an ingress gateway serves HTTP and HTTPS"));
                continue;
            }
            String other = protocolByPort.putIfAbsent(port, protocol);
            if (other != null && !other.equals(protocol)) {
                verdicts.add(new Verdict(listener, false, "ProtocolConflict", true, "ResolvedRefs",
                        "port " + port + " is already " + other));
                continue;
            }
            if (!hostnamesSeen.add(port + "/" + hostname.orElse("*"))) {
                verdicts.add(new Verdict(listener, false, "HostnameConflict", true, "ResolvedRefs",
                        "another listener on port " + port + " has the same hostname"));
                continue;
            }
            List<String> certificates = List.of();
            if ("HTTPS".equals(protocol)) {
                var tls = listener.getTls();
                if (tls != null && tls.getMode() != null && !"Terminate".equals(tls.getMode())) {
                    verdicts.add(new Verdict(listener, false, "UnsupportedValue", true, "ResolvedRefs",
                            "tls.mode " + tls.getMode() + ": HTTPS listeners terminate TLS"));
                    continue;
                }
                List<SecretObjectReference> refs = tls == null || tls.getCertificateRefs() == null ? List.of()
                        : tls.getCertificateRefs();
                Set<String> secrets = new LinkedHashSet<>();
                String problem = refs.isEmpty() ? "an HTTPS listener needs tls.certificateRefs" : null;
                String reason = "InvalidCertificateRef";
                for (SecretObjectReference ref : refs) {
                    boolean secret = (ref.getGroup() == null || ref.getGroup().isEmpty())
                            && (ref.getKind() == null || "Secret".equals(ref.getKind()));
                    if (!secret) {
                        problem = "certificateRef " + ref.getName() + " is not a core Secret";
                    } else if (ref.getNamespace() != null && !ref.getNamespace().equals(namespace)) {
                        // A ReferenceGrant would allow it; they are not read yet, so other namespaces are refused.
                        problem = "certificateRef " + ref.getNamespace() + "/" + ref.getName()
                                + " is in another namespace (ReferenceGrants are not supported yet)";
                        reason = "RefNotPermitted";
                    } else {
                        secrets.add(ref.getName());
                    }
                }
                if (problem != null) {
                    verdicts.add(new Verdict(listener, true, "Accepted", false, reason, problem));
                    continue;
                }
                certificates = List.copyOf(secrets);
            }
            served.add(new Served(listener.getName(), protocol, port, hostname, certificates));
            verdicts.add(new Verdict(listener, true, "Accepted", true, "ResolvedRefs", "served"));
        }
        return new IngressListeners(List.copyOf(served), List.copyOf(verdicts));
    }

    /** The distinct Secrets the served listeners name, in order. */
    List<String> secrets() {
        Set<String> secrets = new LinkedHashSet<>();
        served.forEach(listener -> secrets.addAll(listener.certificates()));
        return List.copyOf(secrets);
    }

    /** The distinct ports served, in order, each with the protocol and name of its first listener. */
    List<Served> ports() {
        Map<Integer, Served> ports = new LinkedHashMap<>();
        served.forEach(listener -> ports.putIfAbsent(listener.port(), listener));
        return List.copyOf(ports.values());
    }
}
