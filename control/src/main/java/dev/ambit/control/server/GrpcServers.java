package dev.ambit.control.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Starts the controller's gRPC listeners, each with the same limits and timeouts. */
public final class GrpcServers {

    private static final int MAX_MESSAGE_BYTES = 8 << 20;
    private static final int MAX_CALLS_PER_CONNECTION = 16;
    private static final long HANDSHAKE_TIMEOUT_SECONDS = 10;
    private static final long KEEPALIVE_SECONDS = 30;
    private static final long KEEPALIVE_TIMEOUT_SECONDS = 10;
    private static final long MIN_CLIENT_PING_SECONDS = 10;

    private GrpcServers() {
    }

    /** @param tls null serves plaintext, which callers allow on loopback addresses only */
    public static Server start(InetSocketAddress address, SslContext tls, Executor executor, BindableService service,
            List<ServerInterceptor> interceptors) throws IOException {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .executor(executor)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .handshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveTime(MIN_CLIENT_PING_SECONDS, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(ServerInterceptors.intercept(service, interceptors));
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build().start();
    }
}
