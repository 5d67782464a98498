package dev.ambit.waypoint.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Opens a byte stream to an endpoint: a plain TCP connection, or a CONNECT stream through HBONE. The channel comes
 * back active, with an empty pipeline and {@code autoRead} off, registered on {@code loop}; the caller installs the
 * HTTP codec on it.
 */
@FunctionalInterface
public interface UpstreamConnector {

    Future<Channel> connect(UpstreamTarget target, EventLoop loop);
}
