package dev.ambit.ztunnel.outbound;

import dev.ambit.runtime.bridge.Bridge;
import dev.ambit.runtime.bridge.ChannelEnds;
import dev.ambit.runtime.bridge.EarlyInput;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.config.TunnelConfigStore;
import dev.ambit.ztunnel.connections.LiveConnection;
import dev.ambit.ztunnel.connections.LiveConnections;
import dev.ambit.runtime.hbone.HboneFailures;
import dev.ambit.runtime.hbone.HbonePool;
import dev.ambit.ztunnel.metrics.ConnectionLabels;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.ztunnel.metrics.TunnelMetrics;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound listener (:15001): takes the connections the node's eBPF programs redirected, finds where each was
 * meant to go, and carries it there over HBONE or plain TCP.
 */
public final class OutboundProxy {

    private static final Logger log = LoggerFactory.getLogger(OutboundProxy.class);

    private final Transport transport;
    private final OriginalDestinationLookup lookup;
    private final OutboundResolver resolver;
    private final EndpointPicker picker;
    private final TunnelConfigStore config;
    private final PendingSources sources;
    private final HbonePool pool;
    private final TunnelMetrics metrics;
    private final LiveConnections connections;
    private final Duration connectTimeout;

    public OutboundProxy(Transport transport, OriginalDestinationLookup lookup, EndpointPicker picker,
            TunnelConfigStore config, PendingSources sources, HbonePool pool, TunnelMetrics metrics,
            LiveConnections connections, Duration connectTimeout) {
        this.transport = transport;
        this.lookup = lookup;
        this.picker = picker;
        this.resolver = new OutboundResolver(picker);
        this.config = config;
        this.sources = sources;
        this.pool = pool;
        this.metrics = metrics;
        this.connections = connections;
        this.connectTimeout = connectTimeout;
    }

    public Listener bind(EventLoopGroup group, InetSocketAddress address, int maxConnections) {
        return Listener.bind("outbound", transport.serverBootstrap(group), address, maxConnections, metrics,
                channel -> channel.pipeline().addLast(new Accepted(), new EarlyInput()));
    }

    /** Routes one accepted connection; removes itself once the bridge takes over. */
    private final class Accepted extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel downstream = ctx.channel();
            InetSocketAddress client = (InetSocketAddress) downstream.remoteAddress();
            Optional<InetSocketAddress> original = lookup.originalDestination(client,
                    (InetSocketAddress) downstream.localAddress());
            if (original.isEmpty()) {
                refuse(ctx, FailureReason.NO_ORIGINAL_DESTINATION, "no original destination for " + client);
                return;
            }
            route(ctx, client, original.get(), true);
        }

        /**
         * Carries the connection as the current config says. A route that needs the source's identity while the
         * source is not known yet, or its certificate not in yet (a pod just enrolled), waits for them first, once.
         */
        private void route(ChannelHandlerContext ctx, InetSocketAddress client, InetSocketAddress original,
                boolean mayWait) {
            Channel downstream = ctx.channel();
            TunnelConfig current = config.current();
            OutboundRoute route = resolver.resolve(client, original, current);
            if (mayWait && needsSource(route) && !sources.ready(client.getAddress(), current)) {
                long start = System.nanoTime();
                sources.await(client.getAddress(), downstream.eventLoop(), downstream.closeFuture()).addListener(f -> {
                    PendingSources.Outcome outcome = (PendingSources.Outcome) f.getNow();
                    long waited = System.nanoTime() - start;
                    metrics.sourceWaited(outcome.label, waited);
                    log.info("event=outbound_source_waited client={} outcome={} waited_ms={}", client, outcome.label,
                            TimeUnit.NANOSECONDS.toMillis(waited));
                    if (downstream.isActive()) {
                        route(ctx, client, original, false);
                    }
                });
                return;
            }
            if (route instanceof OutboundRoute.Tunnel tunnel) {
                Future<? extends Channel> stream = pool.connect(tunnel.key(), tunnel.target(), downstream.eventLoop());
                join(ctx, stream, LiveConnection.Protocol.HBONE, ConnectionLabels.of(ConnectionLabels.OUTBOUND,
                        Optional.of(tunnel.source()), Optional.empty(), tunnel.destination())
                        .towardsPeer(tunnel.key().expectedIdentity()), tunnel.target());
            } else if (route instanceof OutboundRoute.Passthrough passthrough) {
                Future<? extends Channel> upstream = transport.connect(downstream.eventLoop(), passthrough.address(),
                        connectTimeout);
                join(ctx, upstream, LiveConnection.Protocol.TCP, ConnectionLabels.of(ConnectionLabels.OUTBOUND,
                        passthrough.source(), Optional.empty(), passthrough.destination()), passthrough.address());
            } else if (route instanceof OutboundRoute.Refused refused) {
                refuse(ctx, refused.reason(), refused.detail());
            }
        }

        /** Routes that carry the source's identity; passthrough needs none, so it never waits. */
        private static boolean needsSource(OutboundRoute route) {
            return route instanceof OutboundRoute.Tunnel
                    || route instanceof OutboundRoute.Refused refused
                            && refused.reason() == FailureReason.UNKNOWN_SOURCE;
        }

        private void join(ChannelHandlerContext ctx, Future<? extends Channel> upstream,
                LiveConnection.Protocol protocol, ConnectionLabels labels, InetSocketAddress target) {
            Channel downstream = ctx.channel();
            Runnable closed = picker.connectionOpened(target.getAddress());
            downstream.closeFuture().addListener(f -> closed.run());
            upstream.addListener(f -> {
                if (!f.isSuccess()) {
                    refuse(ctx, HboneFailures.classify(f.cause()),
                            "to " + target + ": " + HboneFailures.describe(f.cause()));
                    return;
                }
                Channel channel = (Channel) f.getNow();
                if (!downstream.isActive()) {
                    channel.close();
                    return;
                }
                ctx.pipeline().remove(this);
                connections.track(downstream, channel, protocol, (InetSocketAddress) downstream.remoteAddress(),
                        target, labels);
                Bridge.join(downstream, channel, metrics.connectionOpened(labels));
                log.debug("event=outbound_connected client={} target={} via={}", downstream.remoteAddress(), target,
                        channel);
            });
        }

        /** A refused connection is reset, not closed: the application sees a failure, not an empty answer. */
        private void refuse(ChannelHandlerContext ctx, FailureReason reason, String detail) {
            metrics.record(reason);
            log.info("event=outbound_refused client={} reason={} detail=\"{}\"", ctx.channel().remoteAddress(),
                    reason.label(), detail);
            ChannelEnds.abort(ctx.channel());
        }
    }
}
