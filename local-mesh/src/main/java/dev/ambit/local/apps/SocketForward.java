package dev.ambit.local.apps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Forwards every connection accepted at one address to another, each {@code host:port} or {@code unix:/path}. Two of
 * them bring a port of the local mesh's namespaces to this host's loopback without a link between the namespaces: one
 * inside the namespace listens on a Unix socket (a file, visible from every network namespace) and connects to the
 * port; one on the host listens on {@code 127.0.0.1} and connects to that socket. A developer tool of the local mesh:
 * a thread per direction per connection is plenty for a person's browser.
 *
 * <p>{@code java SocketForward LISTEN CONNECT}; prints {@code forwarding LISTEN -> CONNECT} once listening.
 */
public final class SocketForward {

    private SocketForward() {
    }

    public static void main(String[] args) throws IOException {
        SocketAddress listen = address(args[0]);
        SocketAddress connect = address(args[1]);
        ServerSocketChannel server;
        if (listen instanceof UnixDomainSocketAddress unix) {
            Files.deleteIfExists(unix.getPath());
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        }
        server.bind(listen);
        System.out.println("forwarding " + args[0] + " -> " + args[1]);
        while (true) {
            SocketChannel client = server.accept();
            daemon(() -> serve(client, connect));
        }
    }

    private static void serve(SocketChannel client, SocketAddress connect) {
        try (client; SocketChannel upstream = SocketChannel.open(connect)) {
            Thread back = daemon(() -> copy(upstream, client));
            copy(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            System.err.println("connection failed: " + e);
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "forward");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Copies until end of stream, then half-closes the other side so its peer sees the end too. The channels' own
     * read and write, not their stream adapters, which share one lock between reading and writing.
     */
    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // The other direction ends the connection.
        }
    }

    static SocketAddress address(String text) {
        if (text.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(Path.of(text.substring("unix:".length())));
        }
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
