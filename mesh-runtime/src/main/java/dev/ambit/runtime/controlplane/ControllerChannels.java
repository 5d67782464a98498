package dev.ambit.runtime.controlplane;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.SpiffeTrustManager;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.runtime.tls.WorkloadCertificate;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * gRPC channels from a data-plane process to the controller. Both verify that the server is the controller's
 * SPIFFE identity (not a host name: its certificate has none); the config channel also presents the process's own
 * certificate. TLS is BoringSSL's when it loads, the JDK's otherwise: the traffic is a few control messages, but
 * these are a starting process's first handshakes, on its way to ready. In a cold JVM the JDK's handshake (key
 * agreement, signature checks, AES-GCM, all in Java) costs a few hundred milliseconds of CPU, its own and the JIT's
 * compiling it; BoringSSL's costs next to none, and loading it takes less than that (bench/RESULTS.md, "the TLS
 * work a starting process did for nothing").
 */
public final class ControllerChannels {

    private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final long KEEPALIVE_SECONDS = 30;
    private static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

    private ControllerChannels() {
    }

    /** The CA port: server-authenticated TLS; the caller authenticates with a bearer token per call. */
    public static ManagedChannel certificateAuthority(ControllerAddress address, TrustBundle bundle, SpiffeId controller,
            Clock clock) {
        return channel(address, tls(bundle, controller, clock, Optional.empty()));
    }

    /** The config port: mutual TLS with {@code own}, read at each handshake so rotations apply on reconnect. */
    public static ManagedChannel config(ControllerAddress address, TrustBundle bundle, SpiffeId controller,
            Supplier<Optional<WorkloadCertificate>> own, Clock clock) {
        return channel(address, tls(bundle, controller, clock, Optional.of(own)));
    }

    private static SslContext tls(TrustBundle bundle, SpiffeId controller, Clock clock,
            Optional<Supplier<Optional<WorkloadCertificate>>> own) {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forClient(), provider)
                .protocols("TLSv1.3")
                .trustManager(SpiffeTrustManager.forServer(bundle, clock, controller));
        own.ifPresent(certificate -> builder.keyManager(new CurrentCertificateKeyManager(certificate)));
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS for the controller channel: " + e.getMessage(), e);
        }
    }

    private static ManagedChannel channel(ControllerAddress address, SslContext tls) {
        return NettyChannelBuilder.forAddress(address.host(), address.port())
                .sslContext(tls)
                .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .build();
    }
}
