package dev.ambit.runtime.hbone;

import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.tls.IdentityMismatchException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import javax.net.ssl.SSLException;

/** Names why an HBONE connection or stream failed, from the exception Netty reports. */
public final class HboneFailures {

    private HboneFailures() {
    }

    public static FailureReason classify(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return FailureReason.NOT_TLS;
            }
            if (cause instanceof SslHandshakeTimeoutException) {
                return FailureReason.HANDSHAKE_TIMEOUT;
            }
            if (cause instanceof UnknownServerNameException) {
                return FailureReason.UNKNOWN_SERVER_NAME;
            }
            if (cause instanceof IdentityMismatchException) {
                return FailureReason.IDENTITY_MISMATCH;
            }
            if (cause instanceof HboneConnectException || cause instanceof UnprocessedStreamException) {
                return FailureReason.CONNECT_REFUSED;
            }
            if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
                    || cause instanceof NoRouteToHostException) {
                return FailureReason.UPSTREAM_UNREACHABLE;
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return FailureReason.TLS_HANDSHAKE;
            }
        }
        return FailureReason.UPSTREAM_UNREACHABLE;
    }

    /** The innermost message of {@code error}: engines wrap the reason (say, an expired chain) in generic ones. */
    public static String describe(Throwable error) {
        String message = error.toString();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message;
    }
}
