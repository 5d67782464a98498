package dev.ambit.control.ca;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Optional;

/** Carries the {@code authorization: Bearer <token>} header of a call into its context. */
public final class BearerTokenInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("ambit-bearer-token");
    private static final String BEARER = "Bearer ";

    static Optional<String> current() {
        return Optional.ofNullable(TOKEN.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return next.startCall(call, headers);
        }
        String token = authorization.substring(BEARER.length()).strip();
        return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
    }
}
