package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambit.runtime.bridge.TrafficObserver;
import dev.ambit.runtime.testing.EmbeddedSocket;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.transport.ConnectionFailures;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HboneServerFuzzTest}'s frames against the node tunnel's server, which relays streams at the frame level
 * ({@link RelayServerConnection}, {@link RelayedStream}): the same must hold (no exception escapes, output
 * proportional to input, no leak), with every accepted stream relayed to a socket that answers and hangs up.
 */
@ExtendWith(LeakDetectorExtension.class)
class RelayServerFuzzTest {

    private static final HboneSettings SETTINGS = HboneServerFuzzTest.SETTINGS;

    @FuzzTest(maxDuration = "10s")
    void relayedFrames(byte[] input) {
        List<PodSocket> sockets = new ArrayList<>();
        HboneRelayAcceptor acceptor = stream -> {
            assertEquals(stream.target(),
                    ConnectAuthority.parse(ConnectAuthority.format(stream.target())).orElseThrow());
            if (stream.target().getPort() == 9) {
                stream.reject(HttpResponseStatus.FORBIDDEN);
                return;
            }
            PodSocket socket = new PodSocket();
            sockets.add(socket);
            stream.relay(socket, TrafficObserver.NONE);
        };
        HboneServerFuzzTest.run(input,
                ServerHandshakeHandler.StreamsInstaller.relays(SETTINGS, acceptor, ConnectionFailures.IGNORE),
                () -> sockets.forEach(PodSocket::answerAndClose));
    }

    /** A pod's socket on the embedded loop, which answers a few bytes and its FIN when asked, and then closes. */
    private static final class PodSocket extends EmbeddedSocket {

        void answerAndClose() {
            HboneServerFuzzTest.drainOutbound(this);
            if (isOpen()) {
                writeInbound(Unpooled.copiedBuffer("pong", StandardCharsets.US_ASCII));
                shutdownInput();
                pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                runPendingTasks();
            }
            HboneServerFuzzTest.drainOutbound(this);
            finishAndReleaseAll();
        }
    }
}
