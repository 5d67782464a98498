package dev.ambit.ztunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.model.workload.Workload;
import dev.ambit.runtime.testing.EchoServer;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.ztunnel.testing.Workloads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pod the CNI plugin just enrolled connects before its tunnel has the config that names it, or the certificate of
 * its identity: the connection waits for both, then is tunnelled; a source that never arrives is refused once the
 * wait runs out; passthrough needs no identity and never waits.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class NewSourceTest {

    /** A pod on node A that neither tunnel's config names yet, with an identity of its own. */
    private static final InetAddress NEW_POD = Workloads.loopback(5);

    @Test
    void aNewPodsFirstConnectionWaitsForItsConfigAndCertificateAndIsTunnelled() throws IOException {
        try (TwoNodeMesh mesh = new TwoNodeMesh()) {
            mesh.lookup().put(NEW_POD, mesh.echoAddress());
            Workload fresh = Workloads.ambient(TwoNodeMesh.NAMESPACE, "fresh", "node-a", NEW_POD,
                    mesh.nodeA().hboneAddress());
            long readyBefore = mesh.nodeA().metrics().sourceWaits("ready");

            try (Socket socket = TwoNodeMesh.connect(NEW_POD, mesh.nodeA().outboundAddress())) {
                socket.getOutputStream().write("first".getBytes());
                Waits.until("the connection waits for its source", Duration.ofSeconds(10),
                        () -> mesh.nodeA().sourcesWaiting() == 1);

                // The push that names the pod; node A then asks the CA for the pod's identity's certificate.
                TunnelConfig withNewPod = TunnelConfig.builder()
                        .workloads(List.of(mesh.clientWorkload(), mesh.echoWorkload(), fresh))
                        .build();
                mesh.nodeA().updateConfig(withNewPod);
                mesh.nodeB().updateConfig(withNewPod);

                byte[] echoed = socket.getInputStream().readNBytes(5);
                assertEquals("first", new String(echoed));
                Sockets.assertEchoes(socket, " and more");
            }
            assertEquals(readyBefore + 1, mesh.nodeA().metrics().sourceWaits("ready"));
            assertEquals(0, mesh.nodeA().sourcesWaiting());
        }
    }

    @Test
    void aSourceThatNeverArrivesIsRefusedWhenTheWaitRunsOut() throws IOException {
        try (TwoNodeMesh mesh = TwoNodeMesh.withSourceWait(Duration.ofMillis(300))) {
            mesh.lookup().put(NEW_POD, mesh.echoAddress());
            long refusedBefore = mesh.nodeA().metrics().failures(FailureReason.UNKNOWN_SOURCE);
            long timedOutBefore = mesh.nodeA().metrics().sourceWaits("timed_out");

            Sockets.assertConnectionRefused(() -> TwoNodeMesh.connect(NEW_POD, mesh.nodeA().outboundAddress()),
                    "hello");

            assertEquals(refusedBefore + 1, mesh.nodeA().metrics().failures(FailureReason.UNKNOWN_SOURCE));
            assertEquals(timedOutBefore + 1, mesh.nodeA().metrics().sourceWaits("timed_out"));
            Waits.until("no wait left behind", Duration.ofSeconds(5), () -> mesh.nodeA().sourcesWaiting() == 0);
        }
    }

    @Test
    void aClientThatGivesUpWhileWaitingLeavesNothingBehind() throws IOException {
        try (TwoNodeMesh mesh = new TwoNodeMesh()) {
            mesh.lookup().put(NEW_POD, mesh.echoAddress());
            try (Socket socket = TwoNodeMesh.connect(NEW_POD, mesh.nodeA().outboundAddress())) {
                Waits.until("the connection waits for its source", Duration.ofSeconds(10),
                        () -> mesh.nodeA().sourcesWaiting() == 1);
                Sockets.reset(socket);
            }
            Waits.until("the wait counted as the client's", Duration.ofSeconds(10),
                    () -> mesh.nodeA().metrics().sourceWaits("client_closed") == 1);
            Waits.until("the wait dropped with its connection", Duration.ofSeconds(10),
                    () -> mesh.nodeA().sourcesWaiting() == 0);
        }
    }

    @Test
    void passthroughFromAnUnknownSourceDoesNotWait() throws IOException {
        try (TwoNodeMesh mesh = new TwoNodeMesh(); EchoServer outside = new EchoServer(Workloads.loopback(7))) {
            mesh.lookup().put(NEW_POD, outside.address());
            long waitsBefore = mesh.nodeA().metrics().sourceWaits("ready") + mesh.nodeA().metrics().sourceWaits("timed_out");

            try (Socket socket = TwoNodeMesh.connect(NEW_POD, mesh.nodeA().outboundAddress())) {
                Sockets.assertEchoes(socket, "outside the mesh");
            }
            assertEquals(waitsBefore,
                    mesh.nodeA().metrics().sourceWaits("ready") + mesh.nodeA().metrics().sourceWaits("timed_out"));
        }
    }
}
