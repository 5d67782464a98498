package dev.ambit.api.identity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A workload identity of the form {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}.
 *
 * <p>Parsing is strict on purpose: identities are compared as strings in authorization decisions, so every
 * accepted identity has exactly one spelling. The trust domain follows the SPIFFE spec (lower-case letters, digits,
 * '.', '-', '_'); namespace and service account follow Kubernetes DNS-label / DNS-subdomain rules, which already
 * exclude '.' segments like {@code ..}, upper case, percent-encoding and empty segments.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

    public static final String SCHEME_PREFIX = "spiffe://";
    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

    private static final int MAX_URI_LENGTH = 2048;
    private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]{1,255}");
    /** Kubernetes namespace: an RFC 1123 DNS label. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Kubernetes ServiceAccount name: an RFC 1123 DNS subdomain. */
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public SpiffeId {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        if (!TRUST_DOMAIN.matcher(trustDomain).matches() || trustDomain.startsWith(".") || trustDomain.endsWith(".")
                || trustDomain.contains("..")) {
            throw new InvalidSpiffeIdException("invalid trust domain '" + trustDomain
                    + "': use lower-case letters, digits, '.', '-' or '_' (for example cluster.local)");
        }
        if (!DNS_LABEL.matcher(namespace).matches()) {
            throw new InvalidSpiffeIdException("invalid namespace '" + namespace
                    + "': must be a DNS label (lower-case letters, digits and '-', at most 63 characters)");
        }
        if (!DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
            throw new InvalidSpiffeIdException("invalid service account '" + serviceAccount
                    + "': must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)");
        }
    }

    public static SpiffeId of(String trustDomain, String namespace, String serviceAccount) {
        return new SpiffeId(trustDomain, namespace, serviceAccount);
    }

    /**
     * Parses {@code spiffe://<td>/ns/<ns>/sa/<sa>}; anything else (other schemes, an upper-case scheme, a port,
     * user info, query, fragment, extra or missing path segments) is rejected with a message naming the problem.
     */
    public static SpiffeId parse(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new InvalidSpiffeIdException("SPIFFE ID is empty");
        }
        if (uri.length() > MAX_URI_LENGTH) {
            throw new InvalidSpiffeIdException("SPIFFE ID is longer than " + MAX_URI_LENGTH + " characters");
        }
        // Case-sensitive on purpose: "SPIFFE://" or "Spiffe://" would be a second spelling of the same identity.
        if (!uri.startsWith(SCHEME_PREFIX)) {
            throw new InvalidSpiffeIdException("'" + uri + "' is not a SPIFFE ID: it must start with " + SCHEME_PREFIX);
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '?' || c == '#' || c == '%' || c == '@' || c == '\\') {
                throw new InvalidSpiffeIdException("'" + uri + "' has a character not allowed in a SPIFFE ID at index "
                        + i + " (no query, fragment, percent-encoding, user info or whitespace)");
            }
        }
        String rest = uri.substring(SCHEME_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new InvalidSpiffeIdException("'" + uri + "' has no path: expected " + SCHEME_PREFIX
                    + "<trust-domain>/ns/<namespace>/sa/<service-account>");
        }
        String trustDomain = rest.substring(0, slash);
        if (trustDomain.contains(":")) {
            throw new InvalidSpiffeIdException("'" + uri + "' has a port in its trust domain, which SPIFFE forbids");
        }
        String[] segments = rest.substring(slash + 1).split("/", -1);
        if (segments.length != 4 || !"ns".equals(segments[0]) || !"sa".equals(segments[2])) {
            throw new InvalidSpiffeIdException("'" + uri + "' does not have the path /ns/<namespace>/sa/<service-account>");
        }
        return new SpiffeId(trustDomain, segments[1], segments[3]);
    }

    /** The URI form, as carried in the certificate's URI SAN. */
    public String uri() {
        return SCHEME_PREFIX + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    @Override
    public String toString() {
        return uri();
    }
}
