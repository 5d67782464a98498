package dev.ambit.runtime.controlplane;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.tls.CertificateAuthorityClient;
import dev.ambit.runtime.tls.GrpcCertificateAuthorityClient;
import dev.ambit.runtime.tls.WorkloadCertificate;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A data-plane process's view of the controller: the trust bundle, the CA (called with the process's token), and
 * the config channel (mutual TLS with the process's own certificate). The controller is recognised by its SPIFFE
 * identity, {@code spiffe://<td>/ns/<root-namespace>/sa/ambit-controller}.
 */
public final class ControlPlane {

    public static final String CONTROLLER_SERVICE_ACCOUNT = "ambit-controller";
    private static final Duration CA_CALL_DEADLINE = Duration.ofSeconds(10);

    private final ControlPlaneSettings settings;
    private final TrustBundle trustBundle;
    private final SpiffeId controller;
    private final ManagedChannel caChannel;
    private final ResourceStack opened;
    private final Clock clock;

    private ControlPlane(ControlPlaneSettings settings, TrustBundle trustBundle, ManagedChannel caChannel,
            ResourceStack opened, Clock clock) {
        this.settings = settings;
        this.trustBundle = trustBundle;
        this.controller = identity(settings.rootNamespace(), CONTROLLER_SERVICE_ACCOUNT);
        this.caChannel = caChannel;
        this.opened = opened;
        this.clock = clock;
    }

    /** Reads the trust bundle and opens the CA channel; channels are closed with {@code opened}. */
    public static ControlPlane open(ControlPlaneSettings settings, ResourceStack opened, Clock clock) {
        TrustBundle bundle = new TrustBundle(settings.trustDomain(),
                Pem.certificates(Pem.read(settings.rootCert()), settings.rootCert().toString()));
        SpiffeId controller = SpiffeId.of(settings.trustDomain(), settings.rootNamespace(), CONTROLLER_SERVICE_ACCOUNT);
        ManagedChannel caChannel = opened.push(
                ControllerChannels.certificateAuthority(settings.ca(), bundle, controller, clock),
                ManagedChannel::shutdownNow);
        return new ControlPlane(settings, bundle, caChannel, opened, clock);
    }

    public TrustBundle trustBundle() {
        return trustBundle;
    }

    /** An identity of this mesh's trust domain. */
    public SpiffeId identity(String namespace, String serviceAccount) {
        return SpiffeId.of(settings.trustDomain(), namespace, serviceAccount);
    }

    public CertificateAuthorityClient certificateAuthority() {
        return new GrpcCertificateAuthorityClient(caChannel, new BearerToken(settings.tokenFile()), CA_CALL_DEADLINE);
    }

    /** The config stream's channel, presenting {@code own} (read at each handshake, so rotations apply). */
    public ManagedChannel configChannel(Supplier<Optional<WorkloadCertificate>> own) {
        return opened.push(ControllerChannels.config(settings.controller(), trustBundle, controller, own, clock),
                ManagedChannel::shutdownNow);
    }

    public ControlPlaneSettings settings() {
        return settings;
    }
}
