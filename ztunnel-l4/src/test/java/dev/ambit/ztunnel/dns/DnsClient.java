package dev.ambit.ztunnel.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuery;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking DNS client for tests: a plain socket, with Netty's codec (on an embedded channel) for the messages.
 * Replies arrive in the order the proxy sent them.
 */
final class DnsClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 10_000;

    /** A response, read out of its buffers. */
    record Reply(int id, DnsResponseCode code, List<InetAddress> addresses, List<Long> ttls, boolean truncated,
            boolean authoritative) {
    }

    private final DatagramSocket socket;

    /** A UDP client whose queries come from {@code from}, as a pod's would from its address. */
    DnsClient(InetAddress from) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(from, 0));
            socket.setSoTimeout(TIMEOUT_MILLIS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply query(InetSocketAddress server, int id, String name, DnsRecordType type) {
        send(server, id, name, type);
        return receive();
    }

    void send(InetSocketAddress server, int id, String name, DnsRecordType type) {
        DatagramDnsQuery query = new DatagramDnsQuery(null, server, id);
        query.setRecursionDesired(true);
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        sendEncoded(server, query);
    }

    /** A query exactly as built: the tests' way to send one without a question, or other oddities. */
    void sendEncoded(InetSocketAddress server, DatagramDnsQuery query) {
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        encoder.writeOutbound(query);
        DatagramPacket packet = encoder.readOutbound();
        sendRaw(server, ByteBufUtil.getBytes(packet.content()));
        packet.release();
        encoder.finishAndReleaseAll();
    }

    void sendRaw(InetSocketAddress server, byte[] bytes) {
        try {
            socket.send(new java.net.DatagramPacket(bytes, bytes.length, server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply receive() {
        byte[] buffer = new byte[65_535];
        java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        decoder.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(buffer, 0, packet.getLength()),
                (InetSocketAddress) socket.getLocalSocketAddress(), (InetSocketAddress) packet.getSocketAddress()));
        DnsResponse response = decoder.readInbound();
        try {
            return reply(response);
        } finally {
            response.release();
            decoder.finishAndReleaseAll();
        }
    }

    /** One query over a new TCP connection. */
    static Reply tcpQuery(InetSocketAddress server, int id, String name, DnsRecordType type) {
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            writeTcpQuery(socket.getOutputStream(), id, name, type);
            return readTcpReply(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One query, framed for TCP (a two-byte length first), on a stream the caller holds. */
    static void writeTcpQuery(OutputStream out, int id, String name, DnsRecordType type) throws IOException {
        DnsQuery query = new DefaultDnsQuery(id).setRecursionDesired(true)
                .addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        EmbeddedChannel encoder = new EmbeddedChannel(new TcpDnsQueryEncoder());
        encoder.writeOutbound(query);
        ByteBuf frame = encoder.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(frame);
        frame.release();
        encoder.finishAndReleaseAll();
        out.write(bytes);
        out.flush();
    }

    /** The next response on a TCP stream, framed by Netty's decoder. */
    static Reply readTcpReply(InputStream in) throws IOException {
        EmbeddedChannel decoder = new EmbeddedChannel(new TcpDnsResponseDecoder());
        try {
            byte[] chunk = new byte[4096];
            while (true) {
                int read = in.read(chunk);
                if (read < 0) {
                    throw new IOException("the proxy closed the connection before it answered");
                }
                decoder.writeInbound(Unpooled.copiedBuffer(chunk, 0, read));
                DnsResponse response = decoder.readInbound();
                if (response != null) {
                    try {
                        return reply(response);
                    } finally {
                        response.release();
                    }
                }
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    private static Reply reply(DnsResponse response) {
        List<InetAddress> addresses = new ArrayList<>();
        List<Long> ttls = new ArrayList<>();
        for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
            if (record instanceof DnsRawRecord raw
                    && (raw.type() == DnsRecordType.A || raw.type() == DnsRecordType.AAAA)) {
                try {
                    addresses.add(InetAddress.getByAddress(ByteBufUtil.getBytes(raw.content())));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
                ttls.add(raw.timeToLive());
            }
        }
        return new Reply(response.id(), response.code(), addresses, ttls, response.isTruncated(),
                response.isAuthoritativeAnswer());
    }

    @Override
    public void close() {
        socket.close();
    }
}
