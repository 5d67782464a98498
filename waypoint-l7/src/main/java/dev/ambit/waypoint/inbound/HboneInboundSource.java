package dev.ambit.waypoint.inbound;

import dev.ambit.runtime.hbone.HboneServer;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.hbone.HboneStream;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The waypoint's HBONE listener (:15008), run by the node tunnel's {@link HboneServer}: each accepted CONNECT stream
 * becomes one inbound connection, with the client's verified SPIFFE identity and the CONNECT target (the service
 * VIP and port the client dialed).
 */
public final class HboneInboundSource extends ListenerSource {

    private final TlsContextSource contexts;
    private final HboneSettings settings;

    public HboneInboundSource(Transport transport, EventLoopGroup group, TlsContextSource contexts,
            HboneSettings settings, InetSocketAddress address) {
        super(transport, group, address);
        this.contexts = contexts;
        this.settings = settings;
    }

    @Override
    protected Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            Consumer<InboundConnection> sink, ConnectionFailures failures) {
        return HboneServer.bind(transport, group, address, contexts, settings, stream -> accept(stream, sink),
                failures);
    }

    private static void accept(HboneStream stream, Consumer<InboundConnection> sink) {
        stream.accept();
        sink.accept(new InboundConnection(stream.channel(), Optional.of(stream.peer()), Optional.of(stream.target())));
    }
}
