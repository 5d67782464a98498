package dev.ambit.runtime.http;

import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.function.Function;

/**
 * A {@link SmallHttpListener} whose answers are built on their own {@link ResponseRenderer} thread (named
 * {@code ambit-<name>}): the two open together, and close together.
 */
public final class RenderingHttpListener implements AutoCloseable {

    private final Listener listener;
    private final ResponseRenderer renderer;

    private RenderingHttpListener(Listener listener, ResponseRenderer renderer) {
        this.listener = listener;
        this.renderer = renderer;
    }

    /** Binds {@code address}; each accepted connection gets {@code handler} made with the listener's renderer. */
    public static RenderingHttpListener bind(String name, Transport transport, EventLoopGroup group,
            InetSocketAddress address, int maxConnections, Function<ResponseRenderer, ChannelHandler> handler) {
        ResponseRenderer renderer = new ResponseRenderer("ambit-" + name);
        try {
            return new RenderingHttpListener(SmallHttpListener.bind(name, transport, group, address, maxConnections,
                    () -> handler.apply(renderer)), renderer);
        } catch (RuntimeException e) {
            renderer.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
        renderer.close();
    }
}
