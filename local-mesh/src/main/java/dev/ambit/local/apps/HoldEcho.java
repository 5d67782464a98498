package dev.ambit.local.apps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * A TCP echo server for many thousands of idle-most-of-the-time connections, on one thread (a selector): what the
 * long-haul test's {@link HoldClient} holds its connections to. Runs inside a simulated pod.
 *
 * <p>Usage: {@code HoldEcho <port>}; prints {@code event=hold_echo_listening port=N} once bound.
 */
public final class HoldEcho {

    private HoldEcho() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: HoldEcho <port>");
            System.exit(2);
        }
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(Integer.parseInt(args[0])), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            System.out.println("event=hold_echo_listening port=" + args[0]);
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            while (true) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        SocketChannel accepted;
                        while ((accepted = server.accept()) != null) {
                            accepted.configureBlocking(false);
                            accepted.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        echo((SocketChannel) key.channel(), buffer, key);
                    }
                }
            }
        }
    }

    /**
     * Writes back what arrived. The client sends a few bytes a second and waits for them, so a write that does not
     * complete at once means the client stopped reading: that connection is closed rather than buffered for.
     */
    private static void echo(SocketChannel channel, ByteBuffer buffer, SelectionKey key) {
        try {
            buffer.clear();
            int read = channel.read(buffer);
            if (read < 0) {
                key.cancel();
                channel.close();
                return;
            }
            buffer.flip();
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                key.cancel();
                channel.close();
            }
        } catch (IOException e) {
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
    }
}
