package dev.ambit.runtime.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringAdaptiveBufferRingAllocator;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport the tunnel runs on: io_uring when the kernel and seccomp allow it, else epoll, else NIO. Every
 * socket the tunnel opens is configured here, so all listeners and upstream connections share one set of options:
 * pooled direct buffers, no Nagle, keepalive (dead peers of idle tunnelled connections are found), half-closure (a
 * FIN is relayed, not turned into a close) and bounded write queues. A tunnel on the sk_msg socket fast path reads
 * through an io_uring buffer ring ({@link #forSocketFastPath()}); every other one reads the plain way.
 *
 * <p>Listeners bind with {@code SO_REUSEPORT} (io_uring and epoll): a successor process binds the same ports while
 * its predecessor still listens, and the predecessor then closes its listeners and drains, so a restart never
 * leaves a port without a listener. NIO cannot, and a successor fails to bind until the predecessor has closed.
 */
public final class Transport {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** Write queue bounds per socket: a relay stops reading its peer above the high mark. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    /**
     * Read sizes of the relayed sockets, as ztunnel grows its buffers: 1 KiB, then 16 KiB, then 256 KiB while reads
     * keep filling them, shrinking again after small ones. Netty's default stops at 64 KiB, and under bulk load every
     * read was full (bench/run --profile, 2026-12-06: 62 KB per receive): each read is one turn of the relay (read,
     * write, flush, read again), so four times the bytes per read is a quarter of the turns per GiB. Reads into a
     * buffer ring (the fast path) take the ring's sizes instead.
     */
    static final AdaptiveRecvByteBufAllocator RELAY_READS =
            new AdaptiveRecvByteBufAllocator(1024, 1024, 256 * 1024);

    public enum Kind { IO_URING, EPOLL, NIO }

    public static final String TRANSPORT_PROPERTY = "ambit.transport";

    private static Kind named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "io_uring", "iouring" -> Kind.IO_URING;
            case "epoll" -> Kind.EPOLL;
            case "nio" -> Kind.NIO;
            default -> throw new IllegalArgumentException("-D" + TRANSPORT_PROPERTY + "=" + name
                    + " names no transport; use io_uring, epoll or nio");
        };
    }

    private static final Path TCP_MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
    /** The io_uring buffer group the sockets of a fast-path tunnel read from: one ring per event loop. */
    private static final short BUFFER_GROUP = 1;
    /**
     * Buffers per ring (a power of two), grown {@value #BUFFER_RING_BATCH} at a time as reads need them. Their size
     * adapts to the reads (1 to 16 KiB, so a small read does not pin a large buffer), so a loop's ring holds 2 MiB
     * of pooled memory at most.
     */
    private static final short BUFFER_RING_SIZE = 128;
    private static final int BUFFER_RING_BATCH = 16;
    private static final int BUFFER_RING_MIN_BUFFER = 1024;
    private static final int BUFFER_RING_FIRST_BUFFER = 4096;
    private static final int BUFFER_RING_MAX_BUFFER = 16 * 1024;
    private static final String RECV_MULTISHOT_PROPERTY = "io.netty.iouring.recvMultiShotEnabled";

    static {
        // Read once, when Netty's IoUring class initialises, and used only with buffer rings; see forSocketFastPath.
        if (System.getProperty(RECV_MULTISHOT_PROPERTY) == null) {
            System.setProperty(RECV_MULTISHOT_PROPERTY, "false");
        }
    }

    private final Kind kind;
    private final Supplier<IoHandlerFactory> handlerFactory;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;
    /** io_uring only: sockets read into a registered buffer ring (see {@link #forSocketFastPath()}). */
    private final boolean bufferRing;

    private Transport(Kind kind, Supplier<IoHandlerFactory> handlerFactory,
            Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> socketChannel,
            boolean bufferRing) {
        this.kind = kind;
        this.handlerFactory = handlerFactory;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.bufferRing = bufferRing;
    }

    /**
     * The best transport this machine offers; the choice and why the better ones were skipped are logged. The
     * system property {@value #TRANSPORT_PROPERTY} ({@code io_uring}, {@code epoll} or {@code nio}) names one
     * instead, e.g. to rule io_uring out on a kernel where it misbehaves; it fails when that one is unavailable.
     */
    public static Transport best() {
        return choose(false, "best");
    }

    /**
     * The transport for a tunnel whose pod-facing sockets may be on the sk_msg socket fast path: io_uring reading
     * into a buffer ring, else epoll, else NIO. Such a socket receives through {@code tcp_bpf_recvmsg}, which
     * neither reports the data still queued ({@code IORING_CQE_F_SOCK_NONEMPTY}) nor wakes a poller again for it.
     * Netty's plain io_uring ends a read burst on that flag and then waits on a multishot POLLIN, which fires on new
     * wake-ups only: it read one buffer per wake-up, fell behind, and once the unread data had closed the pod's TCP
     * window no wake-up came and the connection stalled for good. With a buffer ring Netty submits each read itself,
     * and io_uring arms a one-shot poll that looks at the socket's state as it is armed, so queued data is read.
     * Netty's multishot recv (on by default with buffer rings) is turned off: it keeps delivering data a socket with
     * {@code autoRead} off never asked for (7 MiB after a single {@code read()}, {@code ReadOnDemandTest}), which
     * defeats the bridge's backpressure; {@code iperf3 -P 8} through the fast path filled the tunnel's direct memory.
     * Should Netty fail to refill a loop's ring, it reads that loop's sockets the plain way again, which would
     * bring the stall back; it allocates from the pooled allocator, so that takes running out of direct memory.
     * Epoll and NIO read until a read comes back short. {@value #TRANSPORT_PROPERTY} may name any of the three.
     */
    public static Transport forSocketFastPath() {
        return choose(true, "socket_fast_path");
    }

    /** Whether {@link #forSocketFastPath(Kind)} can give {@code kind} on this machine. */
    public static boolean isAvailableForSocketFastPath(Kind kind) {
        return isAvailable(kind) && (kind != Kind.IO_URING || ioUringUnsuitableForSocketFastPath().isEmpty());
    }

    /** {@code kind} as a tunnel on the socket fast path runs it: io_uring with a buffer ring (5.19+), others as is. */
    public static Transport forSocketFastPath(Kind kind) {
        if (kind != Kind.IO_URING) {
            return of(kind);
        }
        IoUring.ensureAvailability();
        String unsuitable = ioUringUnsuitableForSocketFastPath();
        if (!unsuitable.isEmpty()) {
            throw new UnsupportedOperationException("io_uring cannot carry the socket fast path here: " + unsuitable
                    + "; use epoll or nio");
        }
        return new Transport(kind, Transport::bufferRingHandlerFactory, IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, true);
    }

    private static IoHandlerFactory bufferRingHandlerFactory() {
        IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
        config.setBufferRingConfig(IoUringBufferRingConfig.builder()
                .bufferGroupId(BUFFER_GROUP)
                .bufferRingSize(BUFFER_RING_SIZE)
                .batchSize(BUFFER_RING_BATCH)
                .allocator(new IoUringAdaptiveBufferRingAllocator(PooledByteBufAllocator.DEFAULT,
                        BUFFER_RING_MIN_BUFFER, BUFFER_RING_FIRST_BUFFER, BUFFER_RING_MAX_BUFFER))
                .build());
        return IoUringIoHandler.newFactory(config);
    }

    private static Transport choose(boolean socketFastPath, String reason) {
        String chosen = System.getProperty(TRANSPORT_PROPERTY, "").strip();
        if (!chosen.isEmpty()) {
            Kind kind = named(chosen);
            Transport transport = socketFastPath ? forSocketFastPath(kind) : of(kind);
            log.info("event=transport_selected transport={} buffer_ring={} reuseport={} chosen_by=-D{} for={}",
                    transport.name(), transport.bufferRing, transport.sharesPorts(), TRANSPORT_PROPERTY, reason);
            return transport;
        }
        boolean ioUring = isAvailable(Kind.IO_URING)
                && (!socketFastPath || ioUringUnsuitableForSocketFastPath().isEmpty());
        Transport transport;
        if (ioUring) {
            transport = socketFastPath ? forSocketFastPath(Kind.IO_URING) : of(Kind.IO_URING);
        } else if (isAvailable(Kind.EPOLL)) {
            transport = of(Kind.EPOLL);
        } else {
            transport = of(Kind.NIO);
        }
        log.info("event=transport_selected transport={} buffer_ring={} reuseport={} for={}"
                        + " io_uring_unavailable=\"{}\" epoll_unavailable=\"{}\"",
                transport.name(), transport.bufferRing, transport.sharesPorts(), reason,
                ioUringUnavailable(socketFastPath), cause(Epoll.isAvailable(), Epoll.unavailabilityCause()));
        return transport;
    }

    private static String ioUringUnavailable(boolean socketFastPath) {
        if (!IoUring.isAvailable()) {
            return cause(false, IoUring.unavailabilityCause());
        }
        return socketFastPath ? ioUringUnsuitableForSocketFastPath() : "";
    }

    /** Why io_uring cannot read fast-path sockets here, or empty when it can. */
    private static String ioUringUnsuitableForSocketFastPath() {
        if (!IoUring.isRegisterBufferRingSupported()) {
            return "the kernel cannot register buffer rings (Linux 5.19+)";
        }
        if (IoUring.isRecvMultishotEnabled()) {
            return "Netty's multishot recv is on (-D" + RECV_MULTISHOT_PROPERTY + "=true, or Netty's io_uring was"
                    + " loaded before the tunnel's transport)";
        }
        return "";
    }

    /** Whether this machine (kernel, seccomp, native library) offers {@code kind}. */
    public static boolean isAvailable(Kind kind) {
        return switch (kind) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** A specific transport, e.g. NIO in a sandbox that forbids io_uring; fails when it is not available. */
    public static Transport of(Kind kind) {
        return switch (kind) {
            case IO_URING -> {
                IoUring.ensureAvailability();
                yield new Transport(kind, IoUringIoHandler::newFactory, IoUringServerSocketChannel.class,
                        IoUringSocketChannel.class, false);
            }
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield new Transport(kind, () -> EpollRegistrationKeeper.around(EpollIoHandler.newFactory()),
                        EpollServerSocketChannel.class, EpollSocketChannel.class, false);
            }
            case NIO -> new Transport(kind, NioIoHandler::newFactory, NioServerSocketChannel.class,
                    NioSocketChannel.class, false);
        };
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a socket's reads see data already queued without a new wake-up, as sockets on the sk_msg fast path
     * need: epoll, NIO, and io_uring with a buffer ring ({@link #forSocketFastPath()}).
     */
    public boolean readsQueuedDataWithoutWakeUp() {
        return kind != Kind.IO_URING || bufferRing;
    }

    /** Whether listeners bind with {@code SO_REUSEPORT}, so that a successor process can listen alongside. */
    public boolean sharesPorts() {
        return kind != Kind.NIO;
    }

    /**
     * What happens to connections queued at a listener when it closes while a successor shares its port: with
     * {@code net.ipv4.tcp_migrate_req=1} (Linux 5.14+) the kernel moves them to the successor ({@code migrate}),
     * otherwise they are reset ({@code reset}); {@code unshared} when listeners do not share ports at all.
     */
    public String listenerHandover() {
        if (!sharesPorts()) {
            return "unshared";
        }
        try {
            return "1".equals(Files.readString(TCP_MIGRATE_REQ).strip()) ? "migrate" : "reset";
        } catch (IOException | RuntimeException e) {
            return "reset";
        }
    }

    public EventLoopGroup newEventLoopGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlerFactory.get());
    }

    /**
     * A listener's bootstrap. Accepted sockets start with {@code autoRead} off: whoever handles them reads once it
     * knows where the bytes go.
     */
    public ServerBootstrap serverBootstrap(EventLoopGroup group) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        if (bufferRing) {
            bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
        } else {
            bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, RELAY_READS);
        }
        return sharesPorts() ? bootstrap.option(UnixChannelOption.SO_REUSEPORT, true) : bootstrap;
    }

    /**
     * A UDP listener's bootstrap (the tunnel's DNS proxy): pooled buffers, and the port shared as the TCP listeners
     * share theirs, so a successor binds it while this one drains.
     */
    public Bootstrap datagramBootstrap(EventLoopGroup group) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(datagramChannel())
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        return sharesPorts() ? bootstrap.option(UnixChannelOption.SO_REUSEPORT, true) : bootstrap;
    }

    /** The UDP channel class of this transport's event loops. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return switch (kind) {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    /** The TCP client channel class of this transport's event loops. */
    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    /** An outgoing connection's bootstrap on {@code loop}, the loop of the channel it will be relayed with. */
    public Bootstrap bootstrap(EventLoop loop, Duration connectTimeout) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(socketChannel)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()));
        return bufferRing ? bootstrap.option(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP)
                : bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, RELAY_READS);
    }

    /**
     * A plain TCP connection to {@code address} from {@code loop}, for a bridge to take over once connected (its
     * pipeline starts empty). The socket is opened after the loop's current pass over I/O events
     * ({@link #openAfterIoPass}).
     */
    public Future<Channel> connect(EventLoop loop, InetSocketAddress address, Duration timeout) {
        Promise<Channel> connected = loop.newPromise();
        boolean started = openAfterIoPass(loop, () -> {
            ChannelFuture connect = bootstrap(loop, timeout).handler(new ChannelInboundHandlerAdapter())
                    .connect(address);
            connect.addListener(f -> {
                if (f.isSuccess()) {
                    connected.setSuccess(connect.channel());
                } else {
                    connected.setFailure(f.cause());
                }
            });
        });
        if (!started) {
            connected.setFailure(new RejectedExecutionException("event loop shut down"));
        }
        return connected;
    }

    /**
     * Runs {@code open}, which opens an outgoing socket on {@code loop}, as a task of that loop: after the pass over
     * ready I/O events the loop may be in, never in the middle of it. Netty's epoll loop looks a channel up by its
     * descriptor number, and a socket opened mid-pass can take the number of one closed earlier in the same pass (a
     * relay ends, the next stream connects to a pod); the closed socket's events still waiting in that pass then reach
     * the new, unconnected channel. A read among them fails ("not yet connected", logged as a stack trace), and a
     * hang-up marks the new socket's input as shut before it connects, in Netty and in the kernel, so that its
     * relay would take an early end of input or miss the real one (bench/RESULTS.md, session 19). Returns false,
     * having run nothing, when the loop takes no more tasks (it is shutting down).
     */
    public static boolean openAfterIoPass(EventLoop loop, Runnable open) {
        try {
            loop.execute(open);
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            return false;
        }
    }

    /** Binds {@code bootstrap} synchronously: listeners are bound at start, off the event loops. */
    static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address, String listener) {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new UncheckedIOException(new IOException("listener " + listener + " cannot bind " + address + ": "
                    + bound.cause().getMessage(), bound.cause()));
        }
        Channel channel = bound.channel();
        log.info("event=listener_bound listener={} address={}", listener, channel.localAddress());
        return channel;
    }

    private static String cause(boolean available, Throwable cause) {
        return available || cause == null ? "" : cause.toString();
    }

    @Override
    public String toString() {
        return name();
    }
}
