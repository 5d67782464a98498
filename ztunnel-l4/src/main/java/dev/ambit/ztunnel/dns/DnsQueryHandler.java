package dev.ambit.ztunnel.dns;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One query in, one response out, for UDP ({@link Udp}) and TCP ({@link Tcp}): what differs is where the response
 * goes and how large it may be. The query is released as soon as its question is read; the answer arrives later.
 */
abstract class DnsQueryHandler<Q extends DnsQuery> extends SimpleChannelInboundHandler<Q> {

    private static final Logger log = LoggerFactory.getLogger(DnsQueryHandler.class);

    /** The longest name DNS allows, in its text form without the final dot (RFC 1035 2.3.4). */
    static final int MAX_NAME_LENGTH = 253;
    /** A UDP response without EDNS: larger ones go out truncated (TC), and the client asks again over TCP. */
    static final int MAX_UDP_RESPONSE = 512;
    private static final int HEADER_SIZE = 12;

    private final DnsAnswerer answerer;
    protected final DnsMetrics metrics;
    private final String protocol;

    DnsQueryHandler(DnsAnswerer answerer, DnsMetrics metrics, String protocol) {
        this.answerer = answerer;
        this.metrics = metrics;
        this.protocol = protocol;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Q query) {
        long start = System.nanoTime();
        metrics.query(protocol);
        if (query.count(DnsSection.QUESTION) != 1) {
            metrics.failed(DnsMetrics.Failure.MALFORMED);
            return;
        }
        DnsQuestion asked = query.recordAt(DnsSection.QUESTION);
        // A copy: the query and its records are released when this method returns.
        DnsQuestion question = new DefaultDnsQuestion(asked.name(), asked.type(), asked.dnsClass());
        if (!EncodableNames.encodable(question.name())) {
            // Decoded, but not a name a response can carry back (a NUL in a label): as good as malformed.
            metrics.failed(DnsMetrics.Failure.MALFORMED);
            return;
        }
        int id = query.id();
        boolean recursionDesired = query.isRecursionDesired();
        InetSocketAddress client = client(ctx, query);
        InetSocketAddress local = local(ctx, query);
        if (query.opCode() != DnsOpCode.QUERY) {
            reply(ctx, local, client, id, recursionDesired, question,
                    new Answer(DnsResponseCode.NOTIMP, List.of(), List.of(), Answer.Source.PROXY), start);
            return;
        }
        if (trimmedLength(question.name()) > MAX_NAME_LENGTH) {
            metrics.failed(DnsMetrics.Failure.NAME_TOO_LONG);
            reply(ctx, local, client, id, recursionDesired, question,
                    new Answer(DnsResponseCode.FORMERR, List.of(), List.of(), Answer.Source.PROXY), start);
            return;
        }
        answerer.answer(question, client.getAddress(), ctx.executor()).addListener((Future<Answer> done) ->
                reply(ctx, local, client, id, recursionDesired, question, done.getNow(), start));
    }

    private void reply(ChannelHandlerContext ctx, InetSocketAddress local, InetSocketAddress client, int id,
            boolean recursionDesired, DnsQuestion question, Answer answer, long start) {
        if (!ctx.channel().isActive()) {
            return;
        }
        DnsResponse response = newResponse(local, client, id);
        response.setCode(answer.code())
                .setRecursionDesired(recursionDesired)
                .setRecursionAvailable(true)
                .setAuthoritativeAnswer(answer.source() == Answer.Source.MESH);
        response.addRecord(DnsSection.QUESTION, question);
        if (fits(question, answer)) {
            answer.answers().forEach(r -> response.addRecord(DnsSection.ANSWER, r.toRecord(r.ttl())));
            answer.authorities().forEach(r -> response.addRecord(DnsSection.AUTHORITY, r.toRecord(r.ttl())));
        } else {
            response.setTruncated(true);
        }
        ctx.writeAndFlush(response, ctx.voidPromise());
        metrics.answered(answer.source(), System.nanoTime() - start);
    }

    /** Whether the whole answer fits the response this transport can carry. */
    protected abstract boolean fits(DnsQuestion question, Answer answer);

    protected abstract DnsResponse newResponse(InetSocketAddress local, InetSocketAddress client, int id);

    protected abstract InetSocketAddress client(ChannelHandlerContext ctx, Q query);

    protected abstract InetSocketAddress local(ChannelHandlerContext ctx, Q query);

    static int trimmedLength(String name) {
        return name.endsWith(".") ? name.length() - 1 : name.length();
    }

    /** An upper bound of the response's size, names uncompressed. */
    static int maxEncodedSize(DnsQuestion question, Answer answer) {
        int size = HEADER_SIZE + question.name().length() + 2 + 4;
        for (StoredRecord r : answer.answers()) {
            size += r.maxEncodedSize();
        }
        for (StoredRecord r : answer.authorities()) {
            size += r.maxEncodedSize();
        }
        return size;
    }

    /** Queries over UDP: a malformed datagram is dropped and counted; the socket serves on. */
    static final class Udp extends DnsQueryHandler<DatagramDnsQuery> {

        Udp(DnsAnswerer answerer, DnsMetrics metrics) {
            super(answerer, metrics, "udp");
        }

        @Override
        protected boolean fits(DnsQuestion question, Answer answer) {
            return maxEncodedSize(question, answer) <= MAX_UDP_RESPONSE;
        }

        /** The UDP socket's pipeline: Netty's codec, then this handler. */
        static void install(ChannelPipeline pipeline, DnsAnswerer answerer, DnsMetrics metrics) {
            pipeline.addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                    new Udp(answerer, metrics));
        }

        @Override
        protected DnsResponse newResponse(InetSocketAddress local, InetSocketAddress client, int id) {
            return new DatagramDnsResponse(local, client, id);
        }

        @Override
        protected InetSocketAddress client(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            return query.sender();
        }

        @Override
        protected InetSocketAddress local(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            return query.recipient();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The decoder's exception for one bad datagram (it has released the datagram); never close the socket.
            if (cause instanceof DecoderException) {
                metrics.failed(DnsMetrics.Failure.MALFORMED);
            } else {
                log.warn("event=dns_query_error protocol=udp error=\"{}\"", cause.toString());
            }
        }
    }

    /** Queries over TCP, several per connection; a malformed one ends the connection (its framing is lost). */
    static final class Tcp extends DnsQueryHandler<DnsQuery> {

        Tcp(DnsAnswerer answerer, DnsMetrics metrics) {
            super(answerer, metrics, "tcp");
        }

        @Override
        protected boolean fits(DnsQuestion question, Answer answer) {
            return true;
        }

        /** A TCP connection's pipeline: an idle deadline, Netty's codec, then this handler. */
        static void install(ChannelPipeline pipeline, DnsAnswerer answerer, DnsMetrics metrics, int idleSeconds) {
            pipeline.addLast(new ReadTimeoutHandler(idleSeconds, TimeUnit.SECONDS), new TcpDnsQueryDecoder(),
                    new TcpDnsResponseEncoder(), new Tcp(answerer, metrics));
        }

        @Override
        protected DnsResponse newResponse(InetSocketAddress local, InetSocketAddress client, int id) {
            return new DefaultDnsResponse(id);
        }

        @Override
        protected InetSocketAddress client(ChannelHandlerContext ctx, DnsQuery query) {
            return (InetSocketAddress) ctx.channel().remoteAddress();
        }

        @Override
        protected InetSocketAddress local(ChannelHandlerContext ctx, DnsQuery query) {
            return (InetSocketAddress) ctx.channel().localAddress();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecoderException) {
                metrics.failed(DnsMetrics.Failure.MALFORMED);
            }
            // Also on a read timeout (an idle client) or a reset: the connection just ends.
            ctx.channel().close();
        }
    }
}
