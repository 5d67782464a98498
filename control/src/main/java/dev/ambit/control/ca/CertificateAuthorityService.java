package dev.ambit.control.ca;

import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.ca.v1.CreateCertificateResponse;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.metrics.ControlMetrics.CaResult;
import dev.ambit.control.model.ConfigSnapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ambit.ca.v1.CertificateService}: signs a CSR when the bearer token proves a caller that asks for its own
 * identity, or a node agent on a node that runs a pod with the requested identity. Only node agents hold other
 * workloads' identities: any other pod on the node may get a token of the right audience too. The identity comes
 * from that decision, never from the request alone. Each outcome is logged with identity, node and, when issued,
 * serial; never any key material.
 */
public final class CertificateAuthorityService extends CertificateServiceGrpc.CertificateServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthorityService.class);

    private final MeshCa ca;
    private final NodeAuthenticator authenticator;
    private final Supplier<ConfigSnapshot> model;
    private final ControlMetrics metrics;
    private final SpiffeId nodeAgent;

    public CertificateAuthorityService(MeshCa ca, NodeAuthenticator authenticator, Supplier<ConfigSnapshot> model,
            ControlMetrics metrics, SpiffeId nodeAgent) {
        this.ca = ca;
        this.nodeAgent = nodeAgent;
        this.authenticator = authenticator;
        this.model = model;
        this.metrics = metrics;
    }

    @Override
    public void createCertificate(CreateCertificateRequest request,
            StreamObserver<CreateCertificateResponse> responses) {
        Caller caller;
        try {
            caller = authenticator.authenticate(BearerTokenInterceptor.current()
                    .orElseThrow(() -> new AuthenticationException("missing 'authorization: Bearer <token>' header")));
        } catch (AuthenticationException e) {
            refuse(responses, CaResult.UNAUTHENTICATED, Status.UNAUTHENTICATED, e.getMessage(), "-", "-");
            return;
        } catch (AuthenticatorUnavailableException e) {
            refuse(responses, CaResult.UNAVAILABLE, Status.UNAVAILABLE, e.getMessage(), "-", "-");
            return;
        }
        SpiffeId requested;
        try {
            requested = RequestedIdentity.of(request.getCsr());
        } catch (CertificateRequestException e) {
            refuse(responses, CaResult.INVALID, Status.INVALID_ARGUMENT, e.getMessage(), "-", caller.node());
            return;
        }
        Optional<String> refusal = refusal(caller, requested);
        if (refusal.isPresent()) {
            refuse(responses, CaResult.DENIED, Status.PERMISSION_DENIED, refusal.get(), requested.uri(), caller.node());
            return;
        }
        try {
            Duration validity = request.hasValidity()
                    ? Duration.ofSeconds(request.getValidity().getSeconds(), request.getValidity().getNanos()) : null;
            IssuedCertificate issued = ca.issue(request.getCsr(), requested, validity);
            metrics.certificateRequest(CaResult.ISSUED);
            log.info("event=certificate_issued identity={} node={} caller={} serial={} not_after={}", requested,
                    caller.node(), caller.subject(), issued.serial().toString(16), issued.notAfter());
            responses.onNext(CreateCertificateResponse.newBuilder().addAllCertChain(issued.chainPem()).build());
            responses.onCompleted();
        } catch (CertificateRequestException e) {
            refuse(responses, CaResult.INVALID, Status.INVALID_ARGUMENT, e.getMessage(), requested.uri(), caller.node());
        }
    }

    /** Why {@code caller} may not have {@code requested}; empty when it may. */
    private Optional<String> refusal(Caller caller, SpiffeId requested) {
        if (requested.equals(caller.identity())) {
            return Optional.empty();
        }
        if (!caller.identity().equals(nodeAgent)) {
            return Optional.of(caller.identity() + " may only request its own identity");
        }
        boolean onNode = model.get().index().workloadsOn(caller.node()).stream()
                .anyMatch(workload -> workload.identity().equals(requested));
        return onNode ? Optional.empty()
                : Optional.of("no pod with identity " + requested + " runs on node " + caller.node());
    }

    private void refuse(StreamObserver<CreateCertificateResponse> responses, CaResult result, Status status,
            String reason, String identity, String node) {
        metrics.certificateRequest(result);
        log.warn("event=certificate_refused result={} identity={} node={} reason=\"{}\"",
                result, identity, node, reason);
        responses.onError(status.withDescription(reason).asRuntimeException());
    }
}
