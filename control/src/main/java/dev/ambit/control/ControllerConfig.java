package dev.ambit.control;

import dev.ambit.control.model.MeshSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the controller is started with; {@link ControllerMain} documents each as a flag.
 *
 * @param configDir    local mode: the YAML directory; empty means Kubernetes mode
 * @param plaintext    serve gRPC without TLS; refused unless {@code listenAddress} is a loopback address
 * @param leaseDuration how long a silent leader keeps the Lease
 * @param controllerHost where deployed waypoints reach the controller (its Service's DNS name)
 */
public record ControllerConfig(
        Optional<Path> configDir,
        InetAddress listenAddress,
        int configPort,
        int caPort,
        int metricsPort,
        MeshSettings mesh,
        Optional<Path> caCertificate,
        Optional<Path> caKey,
        Optional<Path> rootCertificateOut,
        Optional<Path> bootstrapTokens,
        String tokenAudience,
        boolean plaintext,
        boolean leaderElection,
        String leaseName,
        Duration leaseDuration,
        String podName,
        String waypointImage,
        String controllerHost,
        Duration answerTimeout,
        int maxClients) {

    public ControllerConfig {
        if (plaintext && !listenAddress.isLoopbackAddress()) {
            throw new IllegalArgumentException("--plaintext is for loopback tests only; listen address "
                    + listenAddress.getHostAddress() + " is not a loopback address");
        }
        if (caCertificate.isPresent() != caKey.isPresent()) {
            throw new IllegalArgumentException("--ca-cert and --ca-key go together");
        }
    }
}
