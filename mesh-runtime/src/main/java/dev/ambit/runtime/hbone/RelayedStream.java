package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.bridge.ChannelEnds;
import dev.ambit.runtime.bridge.TrafficObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CONNECT stream of a {@link RelayServerConnection}, relayed to a socket at the frame level: DATA is written to
 * the socket as it is read off the connection, what the socket reads becomes DATA, END_STREAM and FIN cross as each
 * other, and RST_STREAM and a reset (or any error) cross as each other. A plain object on Netty's stream, not a
 * channel: no pipeline, frame objects or promises of its own per message.
 *
 * <p>Backpressure both ways, as {@link dev.ambit.runtime.bridge.Bridge} does it for two channels: the stream's
 * bytes go back to the peer's windows only while the socket is writable (so a slow pod holds at most its write
 * buffer plus one stream window), and the socket is read only while the stream can send (its window and the
 * connection's writability, Netty's remote flow controller).
 *
 * <p>Everything runs on the connection's event loop, and the socket must live there too: the node tunnel connects to
 * the pod on the stream's loop, so nothing crosses threads.
 */
public final class RelayedStream {

    private static final Logger log = LoggerFactory.getLogger(RelayedStream.class);

    private final RelayServerConnection connection;
    private final ChannelHandlerContext ctx;
    private final Http2Stream stream;
    private final SpiffeId peer;
    private final InetSocketAddress target;
    /** DATA read before the relay started, not yet given back to the windows. */
    private ArrayDeque<ByteBuf> early;
    private Channel socket;
    private TrafficObserver observer;
    private boolean answered;
    /** Bytes written to the socket and not yet given back to the peer's windows. */
    private int unconsumed;
    private boolean flushQueued;
    private boolean readSuspended;
    /** END_STREAM (or trailers) came in: the socket's output ends once everything before it is written. */
    private boolean inputEnded;
    private boolean socketOutputShut;
    private boolean socketOutputDone;
    /** The socket's FIN came in: END_STREAM went out. */
    private boolean socketInputEnded;
    private boolean streamClosed;
    private boolean socketClosed;
    private boolean aborted;
    private boolean finished;

    RelayedStream(RelayServerConnection connection, ChannelHandlerContext ctx, Http2Stream stream, SpiffeId peer,
            InetSocketAddress target) {
        this.connection = connection;
        this.ctx = ctx;
        this.stream = stream;
        this.peer = peer;
        this.target = target;
    }

    /** The client's identity, from its verified certificate. */
    public SpiffeId peer() {
        return peer;
    }

    /** The CONNECT authority: where the client wants its bytes to go. */
    public InetSocketAddress target() {
        return target;
    }

    /** The loop the stream lives on; the socket it is relayed to must live there too. */
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** The remote end of the HBONE connection carrying the stream: the sending node's tunnel or a waypoint. */
    public SocketAddress connectionAddress() {
        return ctx.channel().remoteAddress();
    }

    /** Whether the stream is still open: the client has not reset it and its connection is up. */
    public boolean isOpen() {
        return !streamClosed;
    }

    /** Answers {@code status} and ends the stream. */
    public void reject(HttpResponseStatus status) {
        requireLoop();
        if (answered || streamClosed) {
            return;
        }
        answered = true;
        releaseEarly();
        connection.reject(ctx, stream, status);
    }

    /**
     * Answers 200 and relays the stream to {@code socket} (connected, {@code autoRead} off, on {@link #eventLoop()})
     * until both directions end or either breaks; {@code observer} hears of the bytes and the end. A stream closed
     * meanwhile closes the socket instead.
     */
    public void relay(Channel socket, TrafficObserver observer) {
        requireLoop();
        if (!socket.eventLoop().inEventLoop()) {
            throw new IllegalArgumentException("the socket must live on the stream's event loop");
        }
        if (answered) {
            throw new IllegalStateException("the stream was answered already");
        }
        answered = true;
        this.socket = socket;
        this.observer = observer;
        socket.closeFuture().addListener(f -> socketClosed());
        if (streamClosed) {
            aborted = true;
            socket.close();
            return;
        }
        connection.accept(ctx, stream);
        socket.pipeline().addLast("hbone-relay", new SocketSide());
        if (early != null) {
            ByteBuf bytes;
            while ((bytes = early.poll()) != null) {
                writeToSocket(bytes);
            }
            early = null;
        }
        flushSocket();
        if (inputEnded) {
            shutdownSocketOutput();
        }
        connection.flush(ctx);
        socket.read();
    }

    /** DATA read for this stream; returns how many of its bytes are held, to be given back to the windows later. */
    int dataRead(ByteBuf data, boolean endOfStream) {
        int bytes = data.readableBytes();
        int held = 0;
        if (bytes > 0 && !answered) {
            if (early == null) {
                early = new ArrayDeque<>(2);
            }
            early.add(data.retain());
            held = bytes;
        } else if (bytes > 0 && socket != null && !socketOutputShut) {
            writeToSocket(data.retain());
            held = bytes;
            if (!flushQueued) {
                flushQueued = true;
                connection.flushAtReadComplete(this);
            }
        }
        if (endOfStream) {
            inputEnded();
        }
        return held;
    }

    /** Trailers, or DATA with END_STREAM: the client will send no more. */
    void inputEnded() {
        inputEnded = true;
        if (socket != null) {
            shutdownSocketOutput();
        }
    }

    /** At the end of the connection's read: what this read wrote to the socket goes out. */
    void flushSocket() {
        flushQueued = false;
        if (socket != null) {
            socket.flush();
            giveBackIfSocketWritable();
        }
    }

    /** Netty's remote flow controller: the stream can (or cannot) send more. */
    void writabilityChanged() {
        if (readSuspended && !streamClosed && connection.canSend(stream)) {
            readSuspended = false;
            socket.read();
        }
    }

    /** Netty closed the stream: both END_STREAMs crossed, a reset either way, or the connection went. */
    void streamClosed() {
        streamClosed = true;
        releaseEarly();
        if (socket != null && !(inputEnded && socketInputEnded)) {
            aborted = true;
            ChannelEnds.abort(socket);
        }
        finishIfBothClosed();
    }

    private void writeToSocket(ByteBuf bytes) {
        observer.sent(bytes.readableBytes());
        unconsumed += bytes.readableBytes();
        socket.write(bytes, socket.voidPromise());
    }

    /** Returns what the socket took to the peer's windows, while the socket takes more. */
    private void giveBackIfSocketWritable() {
        if (unconsumed > 0 && socket.isWritable() && !streamClosed) {
            int bytes = unconsumed;
            unconsumed = 0;
            connection.consumed(ctx, stream, bytes);
        }
    }

    private void shutdownSocketOutput() {
        if (socketOutputShut) {
            return;
        }
        socketOutputShut = true;
        ChannelEnds.shutdownOutput(socket).addListener(f -> {
            if (f.isSuccess()) {
                socketOutputDone = true;
                closeSocketIfDone();
            } else {
                ChannelEnds.abort(socket);
            }
        });
    }

    private void closeSocketIfDone() {
        if (socketInputEnded && socketOutputDone) {
            socket.close();
        }
    }

    private void socketClosed() {
        socketClosed = true;
        if (!streamClosed && !(socketInputEnded && socketOutputDone)) {
            // The socket broke (a reset, an error) or was closed before both directions ended: so does the stream.
            aborted = true;
            connection.reset(ctx, stream);
        }
        finishIfBothClosed();
    }

    private void finishIfBothClosed() {
        if (streamClosed && socketClosed && observer != null && !finished) {
            finished = true;
            observer.finished(aborted);
        }
    }

    private void releaseEarly() {
        if (early != null) {
            early.forEach(ReferenceCountUtil::release);
            early = null;
        }
    }

    private void requireLoop() {
        if (!eventLoop().inEventLoop()) {
            throw new IllegalStateException("a relayed stream is used on its event loop only");
        }
    }

    /** The socket's end: its bytes become DATA while the stream can send, its FIN END_STREAM, its breaking a reset. */
    private final class SocketSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext socketCtx, Object msg) {
            if (!(msg instanceof ByteBuf bytes) || streamClosed || socketInputEnded) {
                ReferenceCountUtil.release(msg);
                return;
            }
            observer.received(bytes.readableBytes());
            connection.writeData(ctx, stream, bytes, false);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext socketCtx) {
            connection.flush(ctx);
            if (streamClosed || socketInputEnded) {
                return;
            }
            if (connection.canSend(stream)) {
                socket.read();
            } else {
                readSuspended = true;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext socketCtx) {
            if (socket.isWritable()) {
                giveBackIfSocketWritable();
                connection.flush(ctx);
            }
            socketCtx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext socketCtx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                socketInputEnded = true;
                if (!streamClosed) {
                    connection.writeData(ctx, stream, Unpooled.EMPTY_BUFFER, true);
                    connection.flush(ctx);
                }
                closeSocketIfDone();
            } else {
                socketCtx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext socketCtx, Throwable cause) {
            log.debug("event=relay_error side=socket stream_id={} target={} error=\"{}\"", stream.id(), target,
                    cause.toString());
            ChannelEnds.abort(socket);
        }
    }
}
