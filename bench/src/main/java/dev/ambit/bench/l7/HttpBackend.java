package dev.ambit.bench.l7;

import dev.ambit.bench.topology.CommandLine;
import dev.ambit.bench.topology.ProcessLifetime;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The L7 benchmarks' backend: a small Netty server answering every request with a short body, over HTTP/1.1 and
 * over HTTP/2 with prior knowledge (h2c), so h2load can reach it directly. Netty rather than the JDK's HttpServer
 * (local-mesh's HelloServer), which tops out far below the proxies it would be measured behind.
 *
 * <p>{@code HttpBackend --address IP --port N}
 */
public final class HttpBackend {

    private HttpBackend() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = new CommandLine(argv);
        InetSocketAddress address = new InetSocketAddress(args.required("address"), args.integer("port", 8080));
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors(), "backend");
        // The tunnel's bootstrap, but reading at once and closing on FIN: a plain server, not a relay.
        Channel server = transport.serverBootstrap(group)
                .childOption(ChannelOption.AUTO_READ, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new ProtocolSniffer());
                    }
                })
                .bind(address).sync().channel();
        ProcessLifetime.readyUntilTerminated("backend " + address, () -> {
            server.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }
}
