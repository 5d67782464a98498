package dev.ambit.control.ca;

import static dev.ambit.control.ca.CaTestServer.NODE_AGENT;
import static dev.ambit.control.ca.CaTestServer.ON_A;
import static dev.ambit.control.ca.CaTestServer.ON_B;
import static dev.ambit.control.ca.CaTestServer.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.identity.Pem;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA with local mode's bootstrap tokens. */
class CertificateAuthorityServiceTest {

    @TempDir
    Path dir;
    private CaTestServer server;

    @BeforeEach
    void start() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, """
                # token                         node     expiry
                token-for-node-a-0123456789     node-a
                token-for-node-b-0123456789     node-b
                expired-token-for-node-a-0123   node-a   2020-01-01T00:00:00Z
                """);
        BootstrapTokens authenticator = BootstrapTokens.read(tokens, NODE_AGENT, Clock.systemUTC());
        server = new CaTestServer(model -> authenticator);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void issuesTheIdentityOfAPodOnTheCallersNode() {
        var response = server.call("token-for-node-a-0123456789", ON_A);
        var chain = Pem.certificates(String.join("", response.getCertChainList()), "response");
        assertEquals(ON_A, server.ca.trustBundle().verify(chain, Instant.now()));
    }

    @Test
    void issuesTheCallersOwnIdentity() {
        var response = server.call("token-for-node-b-0123456789", NODE_AGENT);
        assertTrue(response.getCertChainCount() >= 2);
    }

    @Test
    void refusesAnIdentityThatLivesOnlyOnAnotherNode() {
        assertStatus(Status.Code.PERMISSION_DENIED, "no pod with identity " + ON_B + " runs on node node-a",
                () -> server.call("token-for-node-a-0123456789", ON_B));
    }

    @Test
    void refusesMissingUnknownAndExpiredTokens() {
        assertStatus(Status.Code.UNAUTHENTICATED, "missing 'authorization: Bearer <token>' header",
                () -> server.call(null, ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "unknown bootstrap token",
                () -> server.call("not-a-known-token-at-all", ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "bootstrap token for node node-a expired at 2020-01-01T00:00:00Z",
                () -> server.call("expired-token-for-node-a-0123", ON_A));
    }

    @Test
    void refusesAMalformedRequest() {
        var stub = server.stub("token-for-node-a-0123456789");
        assertStatus(Status.Code.INVALID_ARGUMENT, "certificate request: empty PEM",
                () -> stub.createCertificate(CreateCertificateRequest.newBuilder().setCsr("").build()));
    }
}
