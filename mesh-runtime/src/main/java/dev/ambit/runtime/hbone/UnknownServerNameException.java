package dev.ambit.runtime.hbone;

import javax.net.ssl.SSLHandshakeException;

/** A client asked for a server name (an identity) this server holds no certificate for, or for none. */
final class UnknownServerNameException extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    UnknownServerNameException(String serverName) {
        super(serverName == null ? "client sent no server name" : "no certificate for server name " + serverName);
    }
}
