package dev.ambit.runtime.tls;

import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.ca.v1.CreateCertificateResponse;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.runtime.testing.TestCa;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The gRPC CA client against an in-process CertificateService that authenticates by bearer token. */
class GrpcCertificateAuthorityClientTest {

    private static final String TOKEN = "node-a-token";
    private static final SpiffeId ECHO = TestCa.identity("demo", "echo");

    private final TestCa ca = new TestCa();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new Signer(), new RequireToken()))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void signsWithTheCallersToken() throws Exception {
        KeyPair keys = WorkloadKeys.generate();
        List<X509Certificate> chain = new GrpcCertificateAuthorityClient(channel, () -> TOKEN, Duration.ofSeconds(5))
                .sign(ECHO, WorkloadKeys.certificateRequestPem(keys, ECHO), Duration.ofHours(1))
                .get(5, TimeUnit.SECONDS);
        assertEquals(2, chain.size());
        assertEquals(keys.getPublic(), chain.get(0).getPublicKey());
        assertEquals(ECHO, ca.trustBundle().verify(chain, Instant.now()));
    }

    @Test
    void aWrongTokenIsRefused() {
        KeyPair keys = WorkloadKeys.generate();
        ExecutionException failure = assertThrows(ExecutionException.class, () ->
                new GrpcCertificateAuthorityClient(channel, () -> "stolen", Duration.ofSeconds(5))
                        .sign(ECHO, WorkloadKeys.certificateRequestPem(keys, ECHO), Duration.ofHours(1))
                        .get(5, TimeUnit.SECONDS));
        assertEquals(Status.Code.UNAUTHENTICATED,
                assertInstanceOf(StatusRuntimeException.class, failure.getCause()).getStatus().getCode());
    }

    /** Issues for the identity the token stands for, as the controller does. */
    private final class Signer extends CertificateServiceGrpc.CertificateServiceImplBase {
        @Override
        public void createCertificate(CreateCertificateRequest request,
                StreamObserver<CreateCertificateResponse> response) {
            List<X509Certificate> chain = ca.sign(request.getCsr(), ECHO,
                    Duration.ofSeconds(request.getValidity().getSeconds()));
            response.onNext(CreateCertificateResponse.newBuilder()
                    .addAllCertChain(chain.stream().map(Pem::encode).toList()).build());
            response.onCompleted();
        }
    }

    private static final class RequireToken implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            if (!("Bearer " + TOKEN).equals(headers.get(GrpcCertificateAuthorityClient.AUTHORIZATION))) {
                call.close(Status.UNAUTHENTICATED.withDescription("bad token"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
            return next.startCall(call, headers);
        }
    }
}
