package dev.ambit.ztunnel.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
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
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O transport the tunnel runs on: io_uring when the kernel and seccomp allow it, else epoll, else NIO. Every
 * socket the tunnel opens is configured here, so all listeners and upstream connections share one set of options:
 * pooled direct buffers, no Nagle, keepalive (dead peers of idle tunnelled connections are found), half-closure (a
 * FIN is relayed, not turned into a close) and bounded write queues.
 *
 * <p>Listeners bind with {@code SO_REUSEPORT} (io_uring and epoll): a successor process binds the same ports while
 * its predecessor still listens, and the predecessor then closes its listeners and drains, so a restart never
 * leaves a port without a listener. NIO cannot, and a successor fails to bind until the predecessor has closed.
 */
public final class Transport {

    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** Write queue bounds per socket: a relay stops reading its peer above the high mark. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

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

    private final Kind kind;
    private final Supplier<IoHandlerFactory> handlerFactory;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    private Transport(Kind kind, Supplier<IoHandlerFactory> handlerFactory,
            Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> socketChannel) {
        this.kind = kind;
        this.handlerFactory = handlerFactory;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /**
     * The best transport this machine offers; the choice and why the better ones were skipped are logged. The
     * system property {@value #TRANSPORT_PROPERTY} ({@code io_uring}, {@code epoll} or {@code nio}) names one
     * instead, e.g. to rule io_uring out on a kernel where it misbehaves; it fails when that one is unavailable.
     */
    public static Transport best() {
        return choose(true, "best");
    }

    /**
     * The transport for a tunnel whose pod-facing sockets may be on the sk_msg socket fast path: epoll, else NIO,
     * never io_uring. Such a socket receives through {@code tcp_bpf_recvmsg}, which never reports the data still
     * queued ({@code IORING_CQE_F_SOCK_NONEMPTY}) nor wakes a poller again for it. Netty's io_uring ends a read
     * burst on that flag and learns of new data from a multishot poll, which fires on wake-ups only: it reads one
     * buffer per wake-up, falls behind, and once the unread data has closed the pod's TCP window no wake-up comes
     * and the connection stalls for good. (Netty 4.2.18's one-shot poll mode would see queued data, but its event
     * loops then hang at shutdown.) Epoll and NIO read until a read comes back short. {@value #TRANSPORT_PROPERTY}
     * may name epoll or NIO; naming io_uring fails.
     */
    public static Transport forSocketFastPath() {
        return choose(false, "socket_fast_path");
    }

    private static Transport choose(boolean ioUringAllowed, String reason) {
        String chosen = System.getProperty(TRANSPORT_PROPERTY, "").strip();
        if (!chosen.isEmpty()) {
            Kind kind = named(chosen);
            if (kind == Kind.IO_URING && !ioUringAllowed) {
                throw new IllegalArgumentException("-D" + TRANSPORT_PROPERTY + "=" + chosen + " cannot carry the"
                        + " socket fast path (Netty's io_uring stalls on sockets in the sk_msg sockhash); use epoll"
                        + " or nio, or turn the socket fast path off");
            }
            Transport transport = of(kind);
            log.info("event=transport_selected transport={} reuseport={} chosen_by=-D{} for={}", transport.name(),
                    transport.sharesPorts(), TRANSPORT_PROPERTY, reason);
            return transport;
        }
        Transport transport;
        if (ioUringAllowed && isAvailable(Kind.IO_URING)) {
            transport = of(Kind.IO_URING);
        } else if (isAvailable(Kind.EPOLL)) {
            transport = of(Kind.EPOLL);
        } else {
            transport = of(Kind.NIO);
        }
        log.info("event=transport_selected transport={} reuseport={} for={} io_uring_excluded={}"
                        + " io_uring_unavailable=\"{}\" epoll_unavailable=\"{}\"",
                transport.name(), transport.sharesPorts(), reason, !ioUringAllowed,
                cause(IoUring.isAvailable(), IoUring.unavailabilityCause()),
                cause(Epoll.isAvailable(), Epoll.unavailabilityCause()));
        return transport;
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
                        IoUringSocketChannel.class);
            }
            case EPOLL -> {
                Epoll.ensureAvailability();
                yield new Transport(kind, EpollIoHandler::newFactory, EpollServerSocketChannel.class,
                        EpollSocketChannel.class);
            }
            case NIO -> new Transport(kind, NioIoHandler::newFactory, NioServerSocketChannel.class,
                    NioSocketChannel.class);
        };
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return kind.name().toLowerCase(Locale.ROOT);
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
        return sharesPorts() ? bootstrap.option(UnixChannelOption.SO_REUSEPORT, true) : bootstrap;
    }

    /** An outgoing connection's bootstrap on {@code loop}, the loop of the channel it will be relayed with. */
    public Bootstrap bootstrap(EventLoop loop, Duration connectTimeout) {
        return new Bootstrap()
                .group(loop)
                .channel(socketChannel)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()));
    }

    /**
     * A plain TCP connection to {@code address} from {@code loop}, for a bridge to take over once connected (its
     * pipeline starts empty).
     */
    public Future<Channel> connect(EventLoop loop, InetSocketAddress address, Duration timeout) {
        Promise<Channel> connected = loop.newPromise();
        ChannelFuture connect = bootstrap(loop, timeout).handler(new ChannelInboundHandlerAdapter()).connect(address);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                connected.setSuccess(connect.channel());
            } else {
                connected.setFailure(f.cause());
            }
        });
        return connected;
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
