package dev.ambit.runtime.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound listener that keeps track of the connections it accepted, so that a drain can stop accepting, wait for
 * them, and close what is left at the deadline.
 */
public final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    private final Channel server;
    private final ChannelGroup connections;

    private Listener(Channel server, ChannelGroup connections) {
        this.server = server;
        this.connections = connections;
    }

    /**
     * Binds {@code bootstrap} (options set, no child handler yet) and runs {@code init} on each accepted socket. Beyond
     * {@code maxConnections} open ones, new connections are reset at once and counted as {@code LISTENER_FULL}.
     */
    public static Listener bind(String name, ServerBootstrap bootstrap, InetSocketAddress address, int maxConnections,
            ConnectionFailures failures, Consumer<SocketChannel> init) {
        ChannelGroup connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        Channel server = Transport.bind(bootstrap.childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                if (connections.size() >= maxConnections) {
                    failures.record(FailureReason.LISTENER_FULL);
                    log.warn("event=connection_rejected listener={} remote={} reason=listener_full limit={}", name,
                            channel.remoteAddress(), maxConnections);
                    channel.config().setOption(ChannelOption.SO_LINGER, 0);
                    channel.close();
                    return;
                }
                connections.add(channel);
                init.accept(channel);
            }
        }), address, name);
        return new Listener(server, connections);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The accepted connections still open; closed ones leave by themselves. */
    public Iterable<Channel> connections() {
        return connections;
    }

    /** Accepted connections still open. */
    public int connectionCount() {
        return connections.size();
    }

    public void stopAccepting() {
        server.close().syncUninterruptibly();
    }

    /** Closes every accepted connection (for HTTP/2 ones: GOAWAY first, then close when streams end). */
    public ChannelGroupFuture closeConnections() {
        return connections.close();
    }

    @Override
    public void close() {
        stopAccepting();
        closeConnections().syncUninterruptibly();
    }
}
