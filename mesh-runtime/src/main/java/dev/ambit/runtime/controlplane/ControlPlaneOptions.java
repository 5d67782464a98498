package dev.ambit.runtime.controlplane;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.WorkloadPolicy;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The command-line flags of every data-plane process that talks to the controller (a picocli mixin). */
public final class ControlPlaneOptions {

    @Option(names = "--controller", defaultValue = "ambit-controller.ambit-system.svc:15010",
            description = "The controller's config stream (default: ${DEFAULT-VALUE}).")
    private String controller;

    @Option(names = "--ca", defaultValue = "ambit-controller.ambit-system.svc:15012",
            description = "The controller's CA (default: ${DEFAULT-VALUE}).")
    private String ca;

    @Option(names = "--token-file", defaultValue = "/var/run/secrets/ambit/token",
            description = "Token presented to the CA: a projected ServiceAccount token, or a local bootstrap token"
                    + " (default: ${DEFAULT-VALUE}).")
    private Path tokenFile;

    @Option(names = "--root-cert", defaultValue = "/var/run/ambit/root-cert.pem",
            description = "The mesh trust bundle, PEM (default: ${DEFAULT-VALUE}).")
    private Path rootCert;

    @Option(names = "--trust-domain", defaultValue = SpiffeId.DEFAULT_TRUST_DOMAIN,
            description = "SPIFFE trust domain (default: ${DEFAULT-VALUE}).")
    private String trustDomain;

    @Option(names = "--root-namespace", defaultValue = WorkloadPolicy.DEFAULT_ROOT_NAMESPACE,
            description = "The mesh's root namespace, where the controller runs (default: ${DEFAULT-VALUE}).")
    private String rootNamespace;

    public ControlPlaneSettings settings() {
        return new ControlPlaneSettings(ControllerAddress.parse(controller), ControllerAddress.parse(ca), tokenFile,
                rootCert, trustDomain, rootNamespace);
    }
}
