package dev.ambit.nodeagent.cni;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's enroll endpoint for the CNI plugin: a Unix domain socket on the host (default
 * {@value #DEFAULT_SOCKET}, mode 0600, root's), one JSON request line in, one JSON answer line out, then closed.
 * A domain socket rather than a port: only root on the node reaches it, and nothing on the network does.
 * Each request and its answer are logged as one {@code event=cni_request} line.
 */
public final class CniServer implements AutoCloseable {

    public static final String DEFAULT_SOCKET = "/var/run/ambit/cni.sock";
    private static final Logger log = LoggerFactory.getLogger(CniServer.class);
    /** A request is a few hundred bytes; anything longer is not the plugin. */
    private static final int MAX_REQUEST = 8 * 1024;
    /** The plugin writes its request at once: a connection silent this long is not the plugin either. */
    private static final int READ_TIMEOUT_SECONDS = 2;

    private final Path path;
    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CniServer(Path path, EventLoopGroup group, Channel channel) {
        this.path = path;
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code path}, replacing a socket file an earlier agent left. */
    public static CniServer bind(Path path, PodAdmission admission) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the CNI socket needs Netty's epoll transport: " + Epoll.unavailabilityCause());
        }
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the CNI socket " + path, e);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(
                                    new ReadTimeoutHandler(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                                    new LineBasedFrameDecoder(MAX_REQUEST),
                                    new StringDecoder(StandardCharsets.UTF_8),
                                    new StringEncoder(StandardCharsets.UTF_8),
                                    new RequestHandler(admission));
                        }
                    })
                    .bind(new DomainSocketAddress(path.toFile()))
                    .syncUninterruptibly()
                    .channel();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            log.info("event=cni_socket_listening path={}", path);
            return new CniServer(path, group, channel);
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e instanceof IOException io ? new UncheckedIOException("cannot bind the CNI socket " + path, io)
                    : (RuntimeException) e;
        }
    }

    public Path path() {
        return path;
    }

    /** Stops listening and removes the socket file; closing again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("event=cni_socket_not_removed path={} error=\"{}\"", path, e.getMessage());
        }
    }

    /** One request per connection; the answer may come later (a pod config does not name yet is waited for). */
    private static final class RequestHandler extends SimpleChannelInboundHandler<String> {

        private final PodAdmission admission;
        private boolean answered;

        RequestHandler(PodAdmission admission) {
            this.admission = admission;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (answered) {
                return;
            }
            answered = true;
            // The answer may take up to the admission's bound: that is not a silent client.
            ctx.pipeline().remove(ReadTimeoutHandler.class);
            long started = System.nanoTime();
            CniRequest request;
            try {
                request = CniRequest.parse(line);
            } catch (IllegalArgumentException e) {
                CniAnswer refused = CniAnswer.failed("bad request: " + e.getMessage());
                log.warn("event=cni_request result={} message=\"{}\"", refused.result().wireName(), refused.message());
                reply(ctx, refused);
                return;
            }
            admission.handle(request).whenComplete((answer, error) -> {
                CniAnswer sent = error == null ? answer : CniAnswer.failed(String.valueOf(error.getMessage()));
                log.info("event=cni_request command={} pod={} uid={} container_id={} result={} cgroup_id={} duration_ms={}"
                                + " message=\"{}\"", request.command(), request.pod(), request.uid(),
                        request.containerId(), sent.result().wireName(), sent.cgroupId(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), sent.message());
                reply(ctx, sent);
            });
        }

        private static void reply(ChannelHandlerContext ctx, CniAnswer answer) {
            ctx.writeAndFlush(answer.toJson() + "\n").addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                log.warn("event=cni_request result=failed message=\"request longer than {} bytes\"", MAX_REQUEST);
            }
            ctx.close();
        }
    }
}
