package dev.ambit.nodeagent.redirect;

/** The cgroup-attached programs of ambit_redirect.bpf.c and where each goes. */
enum Steering {
    CONNECT4("ambit_connect4", Scope.PODS),
    CONNECT6("ambit_connect6", Scope.PODS),
    STRICT_INGRESS("ambit_ingress", Scope.PODS),
    /** DNS capture: unconnected UDP names its server per datagram (connected sockets are caught at connect). */
    DNS_SENDMSG4("ambit_sendmsg4", Scope.PODS),
    DNS_SENDMSG6("ambit_sendmsg6", Scope.PODS),
    /** DNS capture: answers appear to come from the server the pod asked, not the proxy. */
    DNS_RECVMSG4("ambit_recvmsg4", Scope.PODS),
    DNS_RECVMSG6("ambit_recvmsg6", Scope.PODS),
    DNS_GETPEERNAME4("ambit_getpeername4", Scope.PODS),
    DNS_GETPEERNAME6("ambit_getpeername6", Scope.PODS),
    /** Sees both the pod's and the tunnel's side of a steered connection. */
    SOCKOPS("ambit_sockops", Scope.TUNNEL),
    /** Runs on the tunnel's accepted sockets, which are not in any pod cgroup. */
    ORIGINAL_DST_GETSOCKOPT("ambit_getsockopt", Scope.TUNNEL);

    /** The sk_msg program is attached to the sockhash, not to a cgroup. */
    static final String SOCKET_FAST_PATH_PROGRAM = "ambit_sk_msg";
    static final String SOCKET_PAIRS_MAP = "sock_pairs";

    enum Scope { PODS, TUNNEL }

    private final String program;
    private final Scope scope;

    Steering(String program, Scope scope) {
        this.program = program;
        this.scope = scope;
    }

    String program() {
        return program;
    }

    Scope scope() {
        return scope;
    }
}
