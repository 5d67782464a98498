package dev.ambit.runtime.http;

import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The tunnel's small HTTP/1.1 listeners (metrics, readiness, admin): a bounded request line and headers, no request
 * body (one reaches the handler as a failed request, answered 413), and a connection idle for
 * {@value #READ_TIMEOUT_SECONDS} s is closed.
 * They bind like the tunnel's traffic listeners, with {@code SO_REUSEPORT} where the transport has it, so a successor
 * tunnel serves the same ports beside a draining predecessor.
 */
public final class SmallHttpListener {

    public static final int MAX_REQUEST_LINE_AND_HEADERS = 8192;
    public static final int READ_TIMEOUT_SECONDS = 10;

    private SmallHttpListener() {
    }

    /** Binds {@code address}; each accepted connection gets a fresh {@code handler} for its aggregated requests. */
    public static Listener bind(String name, Transport transport, EventLoopGroup group, InetSocketAddress address,
            int maxConnections, Supplier<ChannelHandler> handler) {
        return Listener.bind(name, transport.serverBootstrap(group).childOption(ChannelOption.AUTO_READ, true),
                address, maxConnections, ConnectionFailures.IGNORE,
                channel -> channel.pipeline().addLast(
                        new ReadTimeoutHandler(READ_TIMEOUT_SECONDS),
                        new HttpServerCodec(MAX_REQUEST_LINE_AND_HEADERS, MAX_REQUEST_LINE_AND_HEADERS,
                                MAX_REQUEST_LINE_AND_HEADERS),
                        new BodilessRequestAggregator(),
                        handler.get()));
    }
}
