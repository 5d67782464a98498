package dev.ambit.control.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback whose client sides can be cut while their server sides stay open and silent: the client
 * sees its connection drop, the server sees nothing at all, as when a NAT or a node between them loses the
 * connection. The server is left holding a half-open connection.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    private final List<Socket> leftovers = new CopyOnWriteArrayList<>();

    public CuttableProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "cuttable-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Closes every client side now open; their server sides stay open and are never written to again. */
    public void cutClientSides() {
        for (Connection connection : open) {
            open.remove(connection);
            connection.cut = true;
            leftovers.add(connection.upstream);
            closeQuietly(connection.client);
        }
    }

    /** Closes the server sides that {@link #cutClientSides} left open. */
    public void closeLeftovers() {
        leftovers.forEach(CuttableProxy::closeQuietly);
        leftovers.clear();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        cutClientSides();
        closeLeftovers();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                Connection connection = new Connection(client, upstream);
                open.add(connection);
                connection.start();
            } catch (IOException e) {
                // Closed, or the target refused: the client sees its connection end.
            }
        }
    }

    private final class Connection {
        final Socket client;
        final Socket upstream;
        volatile boolean cut;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pump(client.getInputStream(), upstream.getOutputStream(), "up");
            pump(upstream.getInputStream(), client.getOutputStream(), "down");
        }

        private void pump(InputStream from, OutputStream to, String direction) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    for (int read = from.read(buffer); read >= 0; read = from.read(buffer)) {
                        if (cut) {
                            return;
                        }
                        to.write(buffer, 0, read);
                        to.flush();
                    }
                } catch (IOException e) {
                    // Either side went away.
                }
                if (!cut) {
                    open.remove(this);
                    closeQuietly(client);
                    closeQuietly(upstream);
                }
            }, "cuttable-proxy-" + direction);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed.
        }
    }
}
