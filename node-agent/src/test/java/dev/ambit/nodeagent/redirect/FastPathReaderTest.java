package dev.ambit.nodeagent.redirect;

import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.testing.Probe;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.nodeagent.testing.TestNode;
import dev.ambit.nodeagent.testing.TestPod;
import dev.ambit.runtime.testing.AvailableTransports;
import dev.ambit.runtime.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tunnel's reads keep up with sockets on the socket fast path, on each transport a tunnel with the fast path
 * may run on ({@link Transport#forSocketFastPath(Transport.Kind)}). Such a socket receives through the sockhash
 * ({@code tcp_bpf}), which reports neither how much is left nor a wake-up for data already queued: on Netty's plain
 * io_uring (no buffer ring) this test fails, most of the 8 bulk senders stalling for good after about 1 MiB.
 */
@RequiresPrivileges
class FastPathReaderTest {

    private static final int SENDERS = 8;
    private static final int BYTES_EACH = 8 * 1024 * 1024;
    /** What each socket sends through the sockhash before it goes on over TCP (AMBIT_FAST_PATH_BYTES). */
    private static final long FAST_PATH_BYTES = 1024 * 1024;
    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");

    private TestNode node;
    private TestPod pod;

    @BeforeEach
    void createNodeWithPod() {
        node = TestNode.create();
        pod = node.addPod();
    }

    @AfterEach
    void removeEverything() {
        node.close();
    }

    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void everyByteOfManyBulkSendersReachesATunnelReadingLikeTheBridge(Transport.Kind kind) throws Exception {
        Transport transport = AvailableTransports.require(kind, true);
        EventLoopGroup group = transport.newEventLoopGroup(2, "fast-path-reader");
        node.track(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        // The tunnel's listener lives in the node's namespace: bind() creates the socket on the calling thread.
        Channel listener = node.netns().call(() -> transport.serverBootstrap(group)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new DigestingReader(received));
                    }
                })
                .bind(new InetSocketAddress(TestNode.tunnelIpv4(), 0)).sync().channel());
        node.track(() -> listener.close().syncUninterruptibly());
        InetSocketAddress tunnel = (InetSocketAddress) listener.localAddress();
        BpfRedirector redirector = BpfRedirector.start(
                node.config(tunnel, new InetSocketAddress(TestNode.tunnelIpv6(), 1), true));
        node.track(redirector);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        List<Probe> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            Probe sender = pod.probe("send", SERVICE_VIP4, "80", String.valueOf(BYTES_EACH), "0");
            node.track(sender);
            sender.await("CONNECTED");
            senders.add(sender);
        }
        long linkBefore = pod.bytesSentOverLink();
        senders.forEach(Probe::release);
        List<String> sent = new ArrayList<>();
        for (Probe sender : senders) {
            sender.await("PROGRESS");
            String[] words = sender.await("SENT");
            sent.add(words[1] + " " + words[2]);
        }
        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            arrived.add(received.poll(10, TimeUnit.SECONDS));
        }
        // Each connection's own bytes and digest, whatever order the connections finished in.
        assertEquals(new HashSet<>(sent), new HashSet<>(arrived), "bytes and digests (" + kind + ")");
        assertEquals(SENDERS, new HashSet<>(sent).size(), "every sender sent different bytes");
        // Each socket's first MiB skipped the pod's link: the reads above were of the sockhash's queue.
        long overLink = pod.bytesSentOverLink() - linkBefore;
        assertTrue(overLink < SENDERS * (BYTES_EACH - FAST_PATH_BYTES / 2),
                overLink + " bytes crossed the pod's link: the fast path was not used");
    }

    /** Reads as the tunnel's bridge does (autoRead off, one read() per completed burst); digests what arrives. */
    private static final class DigestingReader extends ChannelInboundHandlerAdapter {

        private final BlockingQueue<String> received;
        private final MessageDigest digest = sha256();
        private long bytes;

        DigestingReader(BlockingQueue<String> received) {
            this.received = received;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            bytes += data.readableBytes();
            digest.update(data.nioBuffer());
            data.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                received.add(bytes + " " + HexFormat.of().formatHex(digest.digest()));
                ctx.close();
            }
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
