package dev.ambit.ztunnel.dns;

import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.ztunnel.config.TunnelConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node tunnel's DNS proxy: UDP and TCP on one port, on the tunnel's event loops. The mesh's service names are
 * answered from the config the tunnel holds; every other name goes to the node's resolver, through a bounded cache.
 */
public final class DnsProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsProxy.class);
    /** A TCP client that sends nothing for this long loses its connection (RFC 7766 suggests seconds). */
    static final int TCP_IDLE_SECONDS = 10;
    private static final long CLOSE_TIMEOUT_MILLIS = 2000;
    private static final int EPHEMERAL_ATTEMPTS = 5;

    private final Channel udp;
    private final Listener tcp;
    private final Upstream upstream;
    private final AnswerCache cache;

    private DnsProxy(Channel udp, Listener tcp, Upstream upstream, AnswerCache cache) {
        this.udp = udp;
        this.tcp = tcp;
        this.upstream = upstream;
        this.cache = cache;
    }

    /** Binds UDP at {@code settings.listen()} and TCP at the same address and port; both, or neither and throws. */
    public static DnsProxy bind(Transport transport, EventLoopGroup group, DnsProxySettings settings,
            Supplier<TunnelConfig> config, DnsMetrics metrics) {
        Upstream upstream = new Upstream(group.next(), transport, settings);
        AnswerCache cache = new AnswerCache(settings.cacheEntries(), System::nanoTime);
        DnsAnswerer answerer = new DnsAnswerer(config, settings, cache, upstream, metrics);
        Channel udp = null;
        try {
            Bootstrap udpBootstrap = transport.datagramBootstrap(group)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel channel) {
                            DnsQueryHandler.Udp.install(channel.pipeline(), answerer, metrics);
                        }
                    });
            ServerBootstrap tcpBootstrap = transport.serverBootstrap(group)
                    .childOption(ChannelOption.AUTO_READ, true);
            // TCP on the port UDP got. With an ephemeral one (tests), something else may hold that TCP port: then
            // both are bound again.
            int attempts = settings.listen().getPort() == 0 ? EPHEMERAL_ATTEMPTS : 1;
            Listener tcp = null;
            for (int attempt = 1; tcp == null; attempt++) {
                udp = bound(udpBootstrap.bind(settings.listen()), "dns-udp", settings.listen());
                InetSocketAddress sameAsUdp = new InetSocketAddress(settings.listen().getAddress(),
                        ((InetSocketAddress) udp.localAddress()).getPort());
                try {
                    // Past maxTcpClients a new connection is reset at once: a flood of idle clients holds no more
                    // than that many descriptors (each also goes after TCP_IDLE_SECONDS).
                    tcp = Listener.bind("dns-tcp", tcpBootstrap, sameAsUdp, settings.maxTcpClients(),
                            reason -> metrics.failed(DnsMetrics.Failure.TCP_CLIENTS_FULL),
                            channel -> DnsQueryHandler.Tcp.install(channel.pipeline(), answerer, metrics,
                                    TCP_IDLE_SECONDS));
                } catch (UncheckedIOException e) {
                    udp.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
                    udp = null;
                    if (attempt >= attempts) {
                        throw e;
                    }
                }
            }
            InetSocketAddress udpAddress = (InetSocketAddress) udp.localAddress();
            log.info("event=dns_proxy_started address={} upstream={} cluster_domain={} cache_entries={}"
                    + " max_in_flight={} max_tcp_clients={} upstream_timeout_ms={}",
                    NetUtil.toSocketAddressString(udpAddress),
                    NetUtil.toSocketAddressString(settings.upstream()), settings.clusterDomain(),
                    settings.cacheEntries(), settings.maxInFlight(), settings.maxTcpClients(),
                    settings.upstreamTimeout().toMillis());
            return new DnsProxy(udp, tcp, upstream, cache);
        } catch (RuntimeException e) {
            if (udp != null) {
                udp.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
            }
            upstream.close();
            throw e;
        }
    }

    private static Channel bound(ChannelFuture bind, String listener, InetSocketAddress address) {
        bind.awaitUninterruptibly();
        if (!bind.isSuccess()) {
            throw new UncheckedIOException(new IOException("listener " + listener + " cannot bind "
                    + NetUtil.toSocketAddressString(address) + ": " + bind.cause().getMessage(), bind.cause()));
        }
        return bind.channel();
    }

    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) udp.localAddress();
    }

    public InetSocketAddress tcpAddress() {
        return tcp.address();
    }

    /** Forwarded queries waiting for the upstream now. */
    public int upstreamInFlight() {
        return upstream.inFlight();
    }

    /** Upstream answers held now. */
    public int cachedAnswers() {
        return cache.size();
    }

    @Override
    public void close() {
        tcp.close();
        udp.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        upstream.close();
        log.info("event=dns_proxy_stopped");
    }
}
