package dev.ambit.local.apps;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
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
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code UpstreamResolver <ip> <port> <name>=<ipv4> ...}: the resolver the node tunnels' DNS proxies forward names
 * outside the mesh to (in a cluster, the node's resolver), UDP and TCP on one port. It knows the names given, A
 * records with a 60 s TTL, and answers NXDOMAIN for the rest. Prints {@code LISTENING} once bound.
 */
public final class UpstreamResolver {

    private static final long TTL_SECONDS = 60;

    private UpstreamResolver() {
    }

    public static void main(String[] args) throws InterruptedException, UnknownHostException {
        InetSocketAddress listen = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        Map<String, InetAddress> records = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] record = args[i].split("=", 2);
            records.put(absolute(record[0]), InetAddress.getByName(record[1]));
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                        channel.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
                                        ctx.writeAndFlush(answer(query, new DatagramDnsResponse(query.recipient(),
                                                query.sender(), query.id()), records));
                                    }
                                });
                    }
                }).bind(listen).sync();
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
                                        ctx.writeAndFlush(answer(query, new DefaultDnsResponse(query.id()), records));
                                    }
                                });
                    }
                }).bind(listen).sync();
        System.out.println("LISTENING " + listen);
    }

    private static DnsResponse answer(DnsQuery query, DnsResponse response, Map<String, InetAddress> records) {
        response.setRecursionDesired(query.isRecursionDesired()).setRecursionAvailable(true);
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        if (question == null) {
            return response.setCode(DnsResponseCode.FORMERR);
        }
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
        InetAddress address = records.get(absolute(question.name()));
        if (address == null) {
            return response.setCode(DnsResponseCode.NXDOMAIN);
        }
        if (question.type() == DnsRecordType.A) {
            response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A,
                    TTL_SECONDS, Unpooled.wrappedBuffer(address.getAddress())));
        }
        return response;
    }

    private static String absolute(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }
}
