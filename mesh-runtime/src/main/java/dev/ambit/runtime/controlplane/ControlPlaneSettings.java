package dev.ambit.runtime.controlplane;

import java.nio.file.Path;

/**
 * How a data-plane process reaches the controller.
 *
 * @param controller    the config stream port
 * @param ca            the CA port
 * @param tokenFile     the token presented to the CA (projected ServiceAccount token, or a local bootstrap token)
 * @param rootCert      the mesh trust bundle (PEM), which verifies the controller and every peer
 * @param trustDomain   the SPIFFE trust domain
 * @param rootNamespace where the controller runs (its identity's namespace) and mesh-wide policies live
 */
public record ControlPlaneSettings(ControllerAddress controller, ControllerAddress ca, Path tokenFile, Path rootCert,
                                   String trustDomain, String rootNamespace) {
}
