package dev.ambit.control.ca;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.ca.MeshCa;
import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.control.stream.StreamFixture;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityServiceTest {

    private static final SpiffeId ON_A = SpiffeId.of("cluster.local", "demo", "frontend");
    private static final SpiffeId ON_B = SpiffeId.of("cluster.local", "demo", "backend");

    @TempDir
    Path dir;
    private StreamFixture fixture;
    private MeshCa ca;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        fixture = new StreamFixture();
        fixture.model.upsert(namespace("demo", Map.of("ambit.dev/dataplane-mode", "ambient")));
        fixture.model.upsert(node("node-a", "10.0.0.1"));
        fixture.model.upsert(node("node-b", "10.0.0.2"));
        fixture.model.upsert(pod("demo", "frontend", "node-a", "10.1.0.1", "frontend", Map.of()));
        fixture.model.upsert(pod("demo", "backend", "node-b", "10.1.0.2", "backend", Map.of()));
        fixture.model.synced("test");
        while (!fixture.model.isReady()) {
            Thread.sleep(5);
        }
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, """
                # token                         node     expiry
                token-for-node-a-0123456789     node-a
                token-for-node-b-0123456789     node-b
                expired-token-for-node-a-0123   node-a   2020-01-01T00:00:00Z
                """);
        ca = MeshCa.selfSigned("cluster.local");
        BootstrapTokens authenticator = BootstrapTokens.read(tokens,
                StreamFixture.SETTINGS.nodeAgentIdentity(), Clock.systemUTC());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(ServerInterceptors.intercept(
                new CertificateAuthorityService(ca, authenticator, fixture.model::current, fixture.metrics),
                new BearerTokenInterceptor())).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow();
        fixture.close();
    }

    @Test
    void issuesTheIdentityOfAPodOnTheCallersNode() {
        var response = call("token-for-node-a-0123456789", ON_A);
        var chain = Pem.certificates(String.join("", response.getCertChainList()), "response");
        assertEquals(ON_A, ca.trustBundle().verify(chain, Instant.now()));
    }

    @Test
    void issuesTheCallersOwnIdentity() {
        var response = call("token-for-node-b-0123456789", StreamFixture.SETTINGS.nodeAgentIdentity());
        assertTrue(response.getCertChainCount() >= 2);
    }

    @Test
    void refusesAnIdentityThatLivesOnlyOnAnotherNode() {
        assertStatus(Status.Code.PERMISSION_DENIED, "no pod with identity " + ON_B + " runs on node node-a",
                () -> call("token-for-node-a-0123456789", ON_B));
    }

    @Test
    void refusesMissingUnknownAndExpiredTokens() {
        assertStatus(Status.Code.UNAUTHENTICATED, "missing 'authorization: Bearer <token>' header",
                () -> call(null, ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "unknown bootstrap token", () -> call("not-a-known-token-at-all", ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "bootstrap token for node node-a expired at 2020-01-01T00:00:00Z",
                () -> call("expired-token-for-node-a-0123", ON_A));
    }

    @Test
    void refusesAMalformedRequest() {
        var stub = stub("token-for-node-a-0123456789");
        assertStatus(Status.Code.INVALID_ARGUMENT, "certificate request: empty PEM",
                () -> stub.createCertificate(CreateCertificateRequest.newBuilder().setCsr("").build()));
    }

    private dev.ambit.api.ca.v1.CreateCertificateResponse call(String token, SpiffeId identity) {
        return stub(token).createCertificate(CreateCertificateRequest.newBuilder()
                .setCsr(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), identity)).build());
    }

    private CertificateServiceGrpc.CertificateServiceBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + token);
        }
        return CertificateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void assertStatus(Status.Code code, String description, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode());
        assertEquals(description, e.getStatus().getDescription());
    }
}
