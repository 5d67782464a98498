package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambit.runtime.bridge.TrafficObserver;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.transport.ConnectionFailures;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
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
        List<EmbeddedSocket> sockets = new ArrayList<>();
        HboneRelayAcceptor acceptor = stream -> {
            assertEquals(stream.target(),
                    ConnectAuthority.parse(ConnectAuthority.format(stream.target())).orElseThrow());
            if (stream.target().getPort() == 9) {
                stream.reject(HttpResponseStatus.FORBIDDEN);
                return;
            }
            EmbeddedSocket socket = new EmbeddedSocket();
            sockets.add(socket);
            stream.relay(socket, TrafficObserver.NONE);
        };
        HboneServerFuzzTest.run(input,
                ServerHandshakeHandler.StreamsInstaller.relays(SETTINGS, acceptor, ConnectionFailures.IGNORE),
                () -> sockets.forEach(EmbeddedSocket::answerAndClose));
    }

    /**
     * A pod's socket for a relayed stream, on the embedded loop: it takes what is relayed to it, and when asked,
     * answers a few bytes, its FIN, and closes (as a server that replies and hangs up).
     */
    private static final class EmbeddedSocket extends EmbeddedChannel implements DuplexChannel {

        private boolean inputShutdown;
        private boolean outputShutdown;

        EmbeddedSocket() {
            super(DefaultChannelId.newInstance(), true, false);
            config().setAutoRead(false);
        }

        void answerAndClose() {
            HboneServerFuzzTest.drainOutbound(this);
            if (isOpen()) {
                writeInbound(Unpooled.copiedBuffer("pong", StandardCharsets.US_ASCII));
                inputShutdown = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                runPendingTasks();
            }
            HboneServerFuzzTest.drainOutbound(this);
            finishAndReleaseAll();
        }

        @Override
        public boolean isInputShutdown() {
            return inputShutdown;
        }

        @Override
        public ChannelFuture shutdownInput() {
            return shutdownInput(newPromise());
        }

        @Override
        public ChannelFuture shutdownInput(ChannelPromise promise) {
            inputShutdown = true;
            return promise.setSuccess();
        }

        @Override
        public boolean isOutputShutdown() {
            return outputShutdown;
        }

        @Override
        public ChannelFuture shutdownOutput() {
            return shutdownOutput(newPromise());
        }

        @Override
        public ChannelFuture shutdownOutput(ChannelPromise promise) {
            outputShutdown = true;
            return promise.setSuccess();
        }

        @Override
        public boolean isShutdown() {
            return inputShutdown && outputShutdown;
        }

        @Override
        public ChannelFuture shutdown() {
            return shutdown(newPromise());
        }

        @Override
        public ChannelFuture shutdown(ChannelPromise promise) {
            inputShutdown = true;
            outputShutdown = true;
            return promise.setSuccess();
        }
    }

}
