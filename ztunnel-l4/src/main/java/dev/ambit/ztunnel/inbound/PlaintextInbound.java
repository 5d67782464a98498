package dev.ambit.ztunnel.inbound;

import dev.ambit.runtime.bridge.Bridge;
import dev.ambit.runtime.bridge.ChannelEnds;
import dev.ambit.runtime.bridge.EarlyInput;
import dev.ambit.ztunnel.config.TunnelConfigStore;
import dev.ambit.ztunnel.connections.LiveConnection;
import dev.ambit.ztunnel.connections.LiveConnections;
import dev.ambit.ztunnel.metrics.ConnectionLabels;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.ztunnel.metrics.TunnelMetrics;
import dev.ambit.ztunnel.outbound.OriginalDestinationLookup;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plaintext inbound listener (:15006): connections to local pods from outside the mesh, redirected here so that
 * PeerAuthentication STRICT can refuse them and AuthorizationPolicy can judge them (as sources with no identity).
 */
public final class PlaintextInbound {

    private static final Logger log = LoggerFactory.getLogger(PlaintextInbound.class);

    private final Transport transport;
    private final OriginalDestinationLookup lookup;
    private final TunnelConfigStore config;
    private final String node;
    private final TunnelMetrics metrics;
    private final LiveConnections connections;
    private final Duration connectTimeout;

    public PlaintextInbound(Transport transport, OriginalDestinationLookup lookup, TunnelConfigStore config,
            String node, TunnelMetrics metrics, LiveConnections connections, Duration connectTimeout) {
        this.transport = transport;
        this.lookup = lookup;
        this.config = config;
        this.node = node;
        this.metrics = metrics;
        this.connections = connections;
        this.connectTimeout = connectTimeout;
    }

    public Listener bind(EventLoopGroup group, InetSocketAddress address, int maxConnections) {
        return Listener.bind("inbound-plaintext", transport.serverBootstrap(group), address, maxConnections,
                metrics, channel -> channel.pipeline().addLast(new Accepted(), new EarlyInput()));
    }

    private final class Accepted extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            Optional<InetSocketAddress> target = lookup.originalDestination((InetSocketAddress) client.remoteAddress(),
                    (InetSocketAddress) client.localAddress());
            if (target.isEmpty()) {
                refuse(ctx, FailureReason.NO_ORIGINAL_DESTINATION, "no original destination");
                return;
            }
            Admission admission = Admission.decide(config.current(), node, target.get(), Optional.empty());
            InetSocketAddress source = (InetSocketAddress) client.remoteAddress();
            ConnectionLabels labels = ConnectionLabels.of(ConnectionLabels.INBOUND,
                    config.current().workload(source.getAddress()), Optional.empty(), admission.destination());
            if (!admission.admitted()) {
                if (admission.destination().isPresent()) {
                    metrics.connectionRefused(labels, admission.refusal().orElseThrow());
                }
                refuse(ctx, admission.refusal().orElseThrow(), admission.detail());
                return;
            }
            transport.connect(client.eventLoop(), target.get(), connectTimeout).addListener(f -> {
                if (!f.isSuccess()) {
                    refuse(ctx, FailureReason.UPSTREAM_UNREACHABLE, f.cause().getMessage());
                    return;
                }
                Channel pod = (Channel) f.getNow();
                if (!client.isActive()) {
                    pod.close();
                    return;
                }
                ctx.pipeline().remove(this);
                connections.track(client, pod, LiveConnection.Protocol.TCP, source, target.get(), labels);
                Bridge.join(client, pod, metrics.connectionOpened(labels));
            });
        }

        /** A refused connection is reset, not closed: the application sees a failure, not an empty answer. */
        private void refuse(ChannelHandlerContext ctx, FailureReason reason, String detail) {
            metrics.record(reason);
            log.info("event=inbound_refused client={} reason={} detail=\"{}\"", ctx.channel().remoteAddress(),
                    reason.label(), detail);
            ChannelEnds.abort(ctx.channel());
        }
    }
}
