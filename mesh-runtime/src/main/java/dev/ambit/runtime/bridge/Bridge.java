package dev.ambit.runtime.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays bytes both ways between two channels (TCP sockets or CONNECT streams), as a TCP proxy would: each side reads
 * only while the other can take more, so memory stays bounded by the write water marks and the HTTP/2 windows; a FIN
 * (END_STREAM) on one side becomes a FIN (END_STREAM) on the other, and a reset or error becomes a reset
 * (RST_STREAM CONNECT_ERROR).
 *
 * <p>Both channels must have {@code autoRead} off. They may live on different event loops: each side touches its own
 * channel's state and only calls thread-safe operations on its peer. What a socket delivered before the bridge
 * existed, kept by an {@link EarlyInput} in its pipeline, is forwarded first.
 */
public final class Bridge {

    private static final Logger log = LoggerFactory.getLogger(Bridge.class);

    private final Side client;
    private final Side server;
    private final TrafficObserver observer;
    private final AtomicInteger open = new AtomicInteger(2);
    private final AtomicBoolean aborted = new AtomicBoolean();

    private Bridge(Channel clientSide, Channel serverSide, TrafficObserver observer) {
        this.observer = observer;
        this.client = new Side(clientSide, true);
        this.server = new Side(serverSide, false);
        client.peer = server;
        server.peer = client;
    }

    /**
     * Joins {@code clientSide} (where the connection came from) and {@code serverSide} (where it goes) and starts
     * reading both. Traffic is reported to {@code observer} as sent (client to server) and received.
     */
    public static void join(Channel clientSide, Channel serverSide, TrafficObserver observer) {
        Bridge bridge = new Bridge(clientSide, serverSide, observer);
        bridge.client.install();
        bridge.server.install();
    }

    private void sideClosed() {
        if (open.decrementAndGet() == 0) {
            observer.finished(aborted.get());
        }
    }

    private final class Side extends ChannelInboundHandlerAdapter {

        final Channel channel;
        final boolean clientSide;
        Side peer;
        /** Set by this side's loop when it stopped reading because the peer was full; cleared by whoever reads. */
        final AtomicBoolean suspended = new AtomicBoolean();
        volatile boolean inputDone;
        volatile boolean outputDone;

        Side(Channel channel, boolean clientSide) {
            this.channel = channel;
            this.clientSide = clientSide;
        }

        void install() {
            channel.closeFuture().addListener(f -> sideClosed());
            EarlyInput early = channel.pipeline().get(EarlyInput.class);
            if (early != null && !channel.eventLoop().inEventLoop()) {
                // What was read early lives on the channel's loop; take it over there.
                channel.eventLoop().execute(() -> start(early));
            } else {
                start(early);
            }
        }

        private void start(EarlyInput early) {
            if (early != null) {
                forwardEarlyInput(early);
            }
            channel.pipeline().addLast("bridge", this);
            if (!channel.isActive()) {
                // Closed before the bridge was built: the peer must not wait for it.
                peer.abort();
                return;
            }
            if (early != null && early.ended()) {
                endOfInput();
            } else {
                channel.read();
            }
        }

        /** Forwards what was read before the bridge existed, and drops the handler that kept it. */
        private void forwardEarlyInput(EarlyInput early) {
            ByteBuf bytes;
            while ((bytes = early.poll()) != null) {
                forward(bytes);
            }
            peer.channel.flush();
            // Gone already if the channel closed meanwhile (it released what it still held).
            if (channel.pipeline().context(early) != null) {
                channel.pipeline().remove(early);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                forward(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void forward(ByteBuf bytes) {
            int size = bytes.readableBytes();
            if (clientSide) {
                observer.sent(size);
            } else {
                observer.received(size);
            }
            peer.channel.write(ChannelEnds.payload(peer.channel, bytes), peer.channel.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.channel.flush();
            if (!inputDone) {
                readIfPeerWritable();
            }
        }

        private void readIfPeerWritable() {
            if (peer.channel.isWritable()) {
                channel.read();
                return;
            }
            suspended.set(true);
            // The peer may have drained between the check and the flag: check again so no wake-up is lost.
            if (peer.channel.isWritable() && suspended.compareAndSet(true, false)) {
                channel.read();
            }
        }

        /** Called from the peer's loop once it drained; reads on this side's own loop, where its state lives. */
        void resume() {
            if (suspended.compareAndSet(true, false)) {
                channel.eventLoop().execute(() -> {
                    // Never read past the end: epoll fails a read request on a half-closed socket and closes it.
                    if (!inputDone) {
                        channel.read();
                    }
                });
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable()) {
                peer.resume();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                endOfInput();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        /** The FIN (END_STREAM) came in: pass it on once everything before it went out. */
        private void endOfInput() {
            inputDone = true;
            ChannelEnds.shutdownOutput(peer.channel).addListener(f -> peer.outputFinished());
            closeIfDone();
        }

        void outputFinished() {
            outputDone = true;
            closeIfDone();
        }

        /** A socket whose both directions ended is closed; a stream closes itself after END_STREAM both ways. */
        private void closeIfDone() {
            if (inputDone && outputDone) {
                channel.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!(inputDone && outputDone)) {
                peer.abort();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("event=bridge_error side={} channel={} error=\"{}\"", clientSide ? "client" : "server",
                    channel, cause.toString());
            peer.abort();
            ChannelEnds.abort(channel);
        }

        void abort() {
            aborted.set(true);
            ChannelEnds.abort(channel);
        }
    }
}
