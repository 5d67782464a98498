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
public final class HboneInboundSource implements InboundConnectionSource {

    private final Transport transport;
    private final EventLoopGroup group;
    private final TlsContextSource contexts;
    private final HboneSettings settings;
    private final InetSocketAddress address;
    private Listener listener;

    public HboneInboundSource(Transport transport, EventLoopGroup group, TlsContextSource contexts,
            HboneSettings settings, InetSocketAddress address) {
        this.transport = transport;
        this.group = group;
        this.contexts = contexts;
        this.settings = settings;
        this.address = address;
    }

    @Override
    public void start(Consumer<InboundConnection> sink, ConnectionFailures failures) {
        listener = HboneServer.bind(transport, group, address, contexts, settings, stream -> accept(stream, sink),
                failures);
    }

    private static void accept(HboneStream stream, Consumer<InboundConnection> sink) {
        stream.accept();
        sink.accept(new InboundConnection(stream.channel(), Optional.of(stream.peer()), Optional.of(stream.target())));
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.stopAccepting();
        }
    }
}
