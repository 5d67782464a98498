package dev.ambit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig whose API server address has nothing listening (port 1 on loopback). */
public final class UnreachableCluster {

    public static final String SERVER = "https://127.0.0.1:1";

    private UnreachableCluster() {
    }

    public static Path kubeconfig(Path directory) throws IOException {
        return Files.writeString(directory.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: gone
                    cluster:
                      server: %s
                      insecure-skip-tls-verify: true
                contexts:
                  - name: gone
                    context: {cluster: gone, user: someone}
                current-context: gone
                users:
                  - name: someone
                    user: {token: not-a-real-token}
                """.formatted(SERVER));
    }
}
