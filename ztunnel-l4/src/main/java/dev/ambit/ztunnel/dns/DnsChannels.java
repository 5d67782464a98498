package dev.ambit.ztunnel.dns;

import dev.ambit.runtime.transport.Transport;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/** The UDP and TCP client channel classes that run on a transport's event loops. */
final class DnsChannels {

    private DnsChannels() {
    }

    static Class<? extends DatagramChannel> datagram(Transport transport) {
        return switch (transport.kind()) {
            case IO_URING -> IoUringDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    static Class<? extends SocketChannel> socket(Transport transport) {
        return switch (transport.kind()) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
