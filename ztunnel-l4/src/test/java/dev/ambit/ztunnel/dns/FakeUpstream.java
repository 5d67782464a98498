package dev.ambit.ztunnel.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A resolver on loopback for the proxy to forward to, UDP and TCP on one port. It knows {@link #RECORDS}; it never
 * answers {@link #SILENT}, and answers {@link #BIG} with more than a UDP response without EDNS holds.
 */
final class FakeUpstream implements AutoCloseable {

    static final String SILENT = "silent.example.";
    static final String BIG = "big.example.";
    static final int BIG_RECORDS = 40;
    static final long TTL = 60;
    private static final int BIND_ATTEMPTS = 5;
    static final Map<String, InetAddress> RECORDS = Map.of("example.com.", MeshNamesTest.address("93.184.216.34"),
            "other.example.", MeshNamesTest.address("93.184.216.35"));

    private final Channel udp;
    private final Channel tcp;
    /** Every name asked, in order, over either protocol. */
    final Queue<String> asked = new ConcurrentLinkedQueue<>();

    FakeUpstream(EventLoopGroup group) {
        // UDP on an ephemeral port, then TCP on the same one, which something else may hold: then both again.
        for (int attempt = 1; ; attempt++) {
            Channel boundUdp = bindUdp(group);
            int port = ((InetSocketAddress) boundUdp.localAddress()).getPort();
            ChannelFuture boundTcp = bindTcp(group, port).awaitUninterruptibly();
            if (boundTcp.isSuccess()) {
                this.udp = boundUdp;
                this.tcp = boundTcp.channel();
                return;
            }
            boundUdp.close().syncUninterruptibly();
            if (attempt == BIND_ATTEMPTS) {
                throw new IllegalStateException("no port free for both UDP and TCP", boundTcp.cause());
            }
        }
    }

    private Channel bindUdp(EventLoopGroup group) {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                        channel.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
                                        DnsResponse response = new DatagramDnsResponse(query.recipient(),
                                                query.sender(), query.id());
                                        answer(ctx, query, response);
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    private ChannelFuture bindTcp(EventLoopGroup group, int port) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
                                        answer(ctx, query, new DefaultDnsResponse(query.id()));
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) udp.localAddress();
    }

    List<String> asked() {
        return List.copyOf(asked);
    }

    private void answer(ChannelHandlerContext ctx, DnsQuery query, DnsResponse response) {
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        String name = question.name();
        asked.add(name);
        if (SILENT.equals(name)) {
            response.release();
            return;
        }
        response.addRecord(DnsSection.QUESTION, question);
        response.setRecursionAvailable(true);
        if (BIG.equals(name)) {
            for (int i = 0; i < BIG_RECORDS; i++) {
                response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, DnsRecordType.A,
                        TTL, Unpooled.wrappedBuffer(new byte[] {10, 0, 0, (byte) (i + 1)})));
            }
        } else if (RECORDS.containsKey(name) && question.type() == DnsRecordType.A) {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, DnsRecordType.A, TTL,
                    Unpooled.wrappedBuffer(RECORDS.get(name).getAddress())));
        } else if (!RECORDS.containsKey(name)) {
            response.setCode(DnsResponseCode.NXDOMAIN);
        }
        ctx.writeAndFlush(response);
    }

    @Override
    public void close() {
        tcp.close().syncUninterruptibly();
        udp.close().syncUninterruptibly();
    }
}
