package dev.ambit.waypoint.upstream;

import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.time.Duration;

/** Plain TCP to the endpoint's address: for plaintext backends, tests, and workloads outside the mesh. */
public record TcpUpstreamConnector(Transport transport, Duration connectTimeout) implements UpstreamConnector {

    @Override
    public Future<Channel> connect(UpstreamTarget target, EventLoop loop) {
        return transport.connect(loop, target.address(), connectTimeout);
    }
}
