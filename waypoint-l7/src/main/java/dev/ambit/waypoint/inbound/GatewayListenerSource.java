package dev.ambit.waypoint.inbound;

import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.waypoint.route.GatewayPort;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A plain HTTP port of an ingress Gateway: clients from outside the mesh, no peer identity, each request routed by
 * the Gateway's routes for the port's listener of its host. At most {@code maxConnections} are open at once; beyond that new ones are
 * reset and counted as {@code LISTENER_FULL}.
 */
public final class GatewayListenerSource extends ListenerSource {

    private final GatewayPort port;
    private final int maxConnections;

    public GatewayListenerSource(Transport transport, EventLoopGroup group, InetSocketAddress address,
            GatewayPort port, int maxConnections) {
        super(transport, group, address);
        this.port = port;
        this.maxConnections = maxConnections;
    }

    @Override
    protected Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            Consumer<InboundConnection> sink, ConnectionFailures failures) {
        return Listener.bind("ingress-" + port.port(), transport.serverBootstrap(group), address, maxConnections,
                failures, channel -> sink.accept(new InboundConnection(channel, Optional.empty(), Optional.empty(),
                        Optional.of(port))));
    }
}
