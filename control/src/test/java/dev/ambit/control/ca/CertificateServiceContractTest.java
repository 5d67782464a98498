package dev.ambit.control.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.ca.v1.CreateCertificateResponse;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generated CA stubs carry a CSR to MeshCa and a PEM chain back, and refusals as INVALID_ARGUMENT. */
class CertificateServiceContractTest {

    private static final SpiffeId CALLER = SpiffeId.of("cluster.local", "demo", "client");
    private final MeshCa ca = MeshCa.selfSigned("cluster.local");
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new CertificateServiceGrpc.CertificateServiceImplBase() {
                    @Override
                    public void createCertificate(CreateCertificateRequest request,
                            StreamObserver<CreateCertificateResponse> response) {
                        try {
                            IssuedCertificate issued = ca.issue(request.getCsr(), CALLER,
                                    java.time.Duration.ofSeconds(request.getValidity().getSeconds()));
                            response.onNext(CreateCertificateResponse.newBuilder()
                                    .addAllCertChain(issued.chainPem()).build());
                            response.onCompleted();
                        } catch (CertificateRequestException e) {
                            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
                        }
                    }
                }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void roundTripsACsrIntoAVerifiableChain() {
        CreateCertificateResponse response = CertificateServiceGrpc.newBlockingStub(channel).createCertificate(
                CreateCertificateRequest.newBuilder()
                        .setCsr(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), CALLER))
                        .setValidity(Duration.newBuilder().setSeconds(3600))
                        .build());
        List<X509Certificate> chain = new ArrayList<>();
        response.getCertChainList().forEach(pem -> chain.addAll(Pem.certificates(pem, "response")));
        assertEquals(CALLER, ca.verify(chain));
    }

    @Test
    void refusalsReachTheCallerWithTheReason() {
        SpiffeId other = SpiffeId.of("cluster.local", "kube-system", "admin");
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> CertificateServiceGrpc.newBlockingStub(channel).createCertificate(
                        CreateCertificateRequest.newBuilder()
                                .setCsr(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), other))
                                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("authorized only for " + CALLER));
    }
}
