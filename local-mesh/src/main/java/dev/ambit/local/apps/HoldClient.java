package dev.ambit.local.apps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds many long-lived connections and checks each one byte for byte, on one thread: from inside a simulated pod,
 * opens {@code connections} TCP connections to {@code host:port} (a {@link HoldEcho}), then every {@code interval_ms}
 * sends 16 bytes on each (its index and the round) and waits for the same 16 bytes back. A connection that fails
 * (refused, reset, closed, a wrong or late answer) is counted and never reopened: a held connection must not drop.
 * Runs for at most {@code seconds} or until {@code stop_file} exists.
 *
 * <p>Usage: {@code HoldClient <host:port> <connections> [seconds=N] [interval_ms=N] [stop_file=PATH]} (defaults
 * 3600 and 1000); an IPv6 host in brackets, {@code [fd00:10:244:2::11]:9000}.
 *
 * <p>Prints {@code event=hold_open connections=N elapsed_ms=T} once all are connected, {@code event=hold_progress
 * round=R open=N failures=F} after each round, {@code event=hold_failure index=I reason="..."} for the first failures,
 * and at the end one summary line: {@code connections=10000 open=10000 rounds=120 exchanges=1200000 failures=0
 * elapsed_ms=121005}.
 */
public final class HoldClient {

    private static final int MESSAGE_BYTES = 16;
    private static final int CONNECTS_IN_FLIGHT = 256;
    private static final long ANSWER_TIMEOUT_NANOS = 10_000_000_000L;
    private static final int FAILURES_LOGGED = 10;

    private final Selector selector;
    private final List<Held> held = new ArrayList<>();
    private long failures;
    private long exchanges;
    /** Connections whose answer in the current round has not arrived yet. */
    private int unanswered;

    private HoldClient(Selector selector) {
        this.selector = selector;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: HoldClient <host:port> <connections> [seconds=N] [interval_ms=N] "
                    + "[stop_file=PATH]");
            System.exit(2);
        }
        InetSocketAddress address = AppArguments.hostAndPort(args[0]);
        int connections = Integer.parseInt(args[1]);
        long seconds = AppArguments.option(args, 2, "seconds", 3600);
        long interval = AppArguments.option(args, 2, "interval_ms", 1000);
        Path stopFile = AppArguments.stopFile(args, 2);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        try (Selector selector = Selector.open()) {
            HoldClient client = new HoldClient(selector);
            client.connect(address, connections);
            System.out.println("event=hold_open connections=" + client.open() + " failures=" + client.failures
                    + " elapsed_ms=" + (System.nanoTime() - start) / 1_000_000);
            long rounds = 0;
            while (System.nanoTime() < end && (stopFile == null || !Files.exists(stopFile))) {
                client.round(rounds++);
                System.out.println("event=hold_progress round=" + rounds + " open=" + client.open() + " failures="
                        + client.failures);
                Thread.sleep(interval);
            }
            System.out.println("connections=" + connections + " open=" + client.open() + " rounds=" + rounds
                    + " exchanges=" + client.exchanges + " failures=" + client.failures
                    + " elapsed_ms=" + (System.nanoTime() - start) / 1_000_000);
            for (Held connection : client.held) {
                connection.channel.close();
            }
        }
    }

    /** Opens {@code count} connections, at most {@link #CONNECTS_IN_FLIGHT} handshakes at a time. */
    private void connect(InetSocketAddress address, int count) throws IOException {
        int started = 0;
        int pending = 0;
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_NANOS * 6;
        while ((started < count || pending > 0) && System.nanoTime() < deadline) {
            while (started < count && pending < CONNECTS_IN_FLIGHT) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                Held connection = new Held(started++, channel);
                if (channel.connect(address)) {
                    held.add(connection);
                } else {
                    channel.register(selector, SelectionKey.OP_CONNECT, connection);
                    pending++;
                }
            }
            pending -= selector.select(this::connected, 1000);
        }
        for (SelectionKey key : selector.keys()) {
            if ((key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
                key.cancel();
                fail((Held) key.attachment(), "connect timed out");
            }
        }
    }

    private void connected(SelectionKey key) {
        Held connection = (Held) key.attachment();
        try {
            connection.channel.finishConnect();
            key.interestOps(0);
            held.add(connection);
        } catch (IOException e) {
            key.cancel();
            fail(connection, "connect: " + e.getMessage());
        }
    }

    /** Sends round {@code round}'s message on every open connection and checks every answer. */
    private void round(long round) throws IOException {
        unanswered = 0;
        for (Held connection : held) {
            if (connection.open && connection.send(round)) {
                unanswered++;
            } else if (connection.open) {
                fail(connection, "write: the connection would not take 16 bytes");
            }
        }
        long deadline = System.nanoTime() + ANSWER_TIMEOUT_NANOS;
        while (unanswered > 0 && System.nanoTime() < deadline) {
            selector.select(key -> read((Held) key.attachment(), round), 1000);
        }
        for (Held connection : held) {
            if (connection.open && connection.awaiting) {
                fail(connection, "no answer within 10 s in round " + round);
            }
        }
    }

    /** Reads what arrived on {@code connection}; once its answer is complete, or it failed, it is answered. */
    private void read(Held connection, long round) {
        String problem = connection.receive(round);
        if (problem != null) {
            fail(connection, problem);
            unanswered--;
        } else if (!connection.awaiting) {
            exchanges++;
            unanswered--;
        }
    }

    private long open() {
        return held.stream().filter(h -> h.open).count();
    }

    private void fail(Held connection, String reason) {
        if (failures++ < FAILURES_LOGGED) {
            System.out.println("event=hold_failure index=" + connection.index + " reason=\"" + reason + "\"");
        }
        connection.close();
    }

    /** One held connection and the answer it waits for. */
    private final class Held {
        final int index;
        final SocketChannel channel;
        final ByteBuffer sent = ByteBuffer.allocate(MESSAGE_BYTES);
        final ByteBuffer answer = ByteBuffer.allocate(MESSAGE_BYTES);
        boolean open = true;
        boolean awaiting;

        Held(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        boolean send(long round) throws IOException {
            sent.clear();
            sent.putLong(index).putLong(round).flip();
            try {
                channel.write(sent);
            } catch (IOException e) {
                return false;
            }
            if (sent.hasRemaining()) {
                return false;
            }
            answer.clear();
            awaiting = true;
            SelectionKey key = channel.keyFor(selector);
            if (key == null) {
                channel.register(selector, SelectionKey.OP_READ, this);
            } else {
                key.interestOps(SelectionKey.OP_READ);
            }
            return true;
        }

        /** Reads what arrived; null while all is well (done once {@code awaiting} is false), else the problem. */
        String receive(long round) {
            try {
                if (channel.read(answer) < 0) {
                    return "closed by the peer in round " + round;
                }
            } catch (IOException e) {
                return "read: " + e.getMessage();
            }
            if (!awaiting) {
                return "bytes nobody asked for in round " + round;
            }
            if (answer.hasRemaining()) {
                return null;
            }
            awaiting = false;
            // Quiet until the next round's send: an answer that is complete must not wake the selector again.
            channel.keyFor(selector).interestOps(0);
            return answer.getLong(0) == index && answer.getLong(8) == round ? null
                    : "answer differs from what was sent in round " + round;
        }

        void close() {
            open = false;
            awaiting = false;
            try {
                channel.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }
}
