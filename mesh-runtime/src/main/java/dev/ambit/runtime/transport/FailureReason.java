package dev.ambit.runtime.transport;

import java.util.Locale;

/** Why a connection was refused or broke before carrying traffic; the {@code reason} label of the failure counter. */
public enum FailureReason {
    /** Bytes on an mTLS port that are not TLS (garbage, plain HTTP). */
    NOT_TLS,
    /** A TLS handshake failed: no or untrusted client certificate, foreign CA, expired, protocol mismatch. */
    TLS_HANDSHAKE,
    /** The client asked for a server name (identity) this tunnel does not hold, or sent none. */
    UNKNOWN_SERVER_NAME,
    /** A peer did not finish its handshake in time. */
    HANDSHAKE_TIMEOUT,
    /** The server presented an identity other than the one expected. */
    IDENTITY_MISMATCH,
    /** This tunnel holds no certificate for the source identity. */
    NO_CERTIFICATE,
    /** A malformed or unsupported HTTP/2 CONNECT. */
    BAD_REQUEST,
    /** The HBONE peer answered the CONNECT with something other than 200. */
    CONNECT_REFUSED,
    /** A TCP connection (to a tunnel, a pod or a passthrough destination) could not be made. */
    UPSTREAM_UNREACHABLE,
    /** The redirected connection's original destination is unknown. */
    NO_ORIGINAL_DESTINATION,
    /** An outbound connection to the mesh comes from an address that is no workload with an identity. */
    UNKNOWN_SOURCE,
    /** The destination is not a workload or service this tunnel can route to. */
    UNKNOWN_DESTINATION,
    /** An authorization policy refused the connection. */
    POLICY_DENIED,
    /** Plaintext to a workload whose PeerAuthentication is STRICT. */
    PLAINTEXT_REJECTED,
    /** A listener already holds its maximum of open connections. */
    LISTENER_FULL,
    /** The HBONE client's identity already holds its maximum of connections to this tunnel. */
    PEER_FULL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
