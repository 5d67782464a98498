package dev.ambit.runtime.tls;

import com.google.protobuf.Duration;
import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.ca.v1.CreateCertificateResponse;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code ambit.ca.v1.CertificateService} over gRPC, authenticated with a bearer token (in Kubernetes the node agent's
 * projected ServiceAccount token, read afresh for each call because the kubelet rotates it). The channel, and its
 * TLS to the controller, belong to the caller.
 */
public final class GrpcCertificateAuthorityClient implements CertificateAuthorityClient {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final CertificateServiceGrpc.CertificateServiceStub stub;
    private final java.time.Duration deadline;

    public GrpcCertificateAuthorityClient(Channel channel, Supplier<String> bearerToken, java.time.Duration deadline) {
        this.stub = CertificateServiceGrpc.newStub(channel).withCallCredentials(new BearerToken(bearerToken));
        this.deadline = deadline;
    }

    @Override
    public CompletableFuture<List<X509Certificate>> sign(SpiffeId identity, String csrPem, java.time.Duration ttl) {
        CompletableFuture<List<X509Certificate>> result = new CompletableFuture<>();
        CreateCertificateRequest request = CreateCertificateRequest.newBuilder()
                .setCsr(csrPem)
                .setValidity(Duration.newBuilder().setSeconds(ttl.toSeconds()))
                .build();
        stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .createCertificate(request, new StreamObserver<>() {
                    @Override
                    public void onNext(CreateCertificateResponse response) {
                        try {
                            result.complete(chainOf(response, identity));
                        } catch (RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        result.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {
                        result.completeExceptionally(new IllegalStateException("CA answered without a certificate"));
                    }
                });
        return result;
    }

    private static List<X509Certificate> chainOf(CreateCertificateResponse response, SpiffeId identity) {
        List<X509Certificate> chain = new ArrayList<>();
        for (String pem : response.getCertChainList()) {
            chain.addAll(Pem.certificates(pem, "certificate chain for " + identity));
        }
        if (chain.isEmpty()) {
            throw new IllegalStateException("CA returned an empty certificate chain for " + identity);
        }
        return chain;
    }

    private static final class BearerToken extends CallCredentials {

        private final Supplier<String> token;

        BearerToken(Supplier<String> token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            executor.execute(() -> {
                try {
                    Metadata headers = new Metadata();
                    headers.put(AUTHORIZATION, "Bearer " + token.get());
                    applier.apply(headers);
                } catch (RuntimeException e) {
                    applier.fail(Status.UNAUTHENTICATED.withDescription("no bearer token: " + e.getMessage())
                            .withCause(e));
                }
            });
        }
    }
}
