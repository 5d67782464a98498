package dev.ambit.control.ca;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.ca.v1.CreateCertificateResponse;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.control.stream.StreamFixture;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The CA service over in-process gRPC, with a model of two nodes: {@code frontend} and a node agent pod run on
 * node-a, {@code backend} on node-b.
 */
final class CaTestServer implements AutoCloseable {

    static final SpiffeId ON_A = SpiffeId.of("cluster.local", "demo", "frontend");
    static final SpiffeId ON_B = SpiffeId.of("cluster.local", "demo", "backend");
    static final SpiffeId NODE_AGENT = StreamFixture.SETTINGS.nodeAgentIdentity();

    final StreamFixture fixture;
    final MeshCa ca = MeshCa.selfSigned("cluster.local");
    private final Server server;
    private final ManagedChannel channel;

    CaTestServer(Function<Supplier<ConfigSnapshot>, NodeAuthenticator> authenticator)
            throws IOException, InterruptedException {
        fixture = new StreamFixture();
        fixture.model.upsert(namespace("demo", Map.of("ambit.dev/dataplane-mode", "ambient")));
        fixture.model.upsert(node("node-a", "10.0.0.1"));
        fixture.model.upsert(node("node-b", "10.0.0.2"));
        fixture.model.upsert(pod("demo", "frontend", "node-a", "10.1.0.1", "frontend", Map.of()));
        fixture.model.upsert(pod("demo", "backend", "node-b", "10.1.0.2", "backend", Map.of()));
        fixture.model.upsert(pod("ambit-system", "ambit-node-agent-a", "node-a", "10.0.0.1", "ambit-node-agent",
                Map.of()));
        fixture.model.synced("test");
        while (!fixture.model.isReady()) {
            Thread.sleep(5);
        }
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(ServerInterceptors.intercept(
                new CertificateAuthorityService(ca, authenticator.apply(fixture.model::current), fixture.model::current,
                        fixture.metrics, NODE_AGENT),
                new BearerTokenInterceptor())).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    CreateCertificateResponse call(String token, SpiffeId identity) {
        return stub(token).createCertificate(CreateCertificateRequest.newBuilder()
                .setCsr(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), identity)).build());
    }

    CertificateServiceGrpc.CertificateServiceBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + token);
        }
        return CertificateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static void assertStatus(Status.Code code, String description, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(description, e.getStatus().getDescription());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        fixture.close();
    }
}
