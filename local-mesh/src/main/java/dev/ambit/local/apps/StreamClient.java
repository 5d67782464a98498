package dev.ambit.local.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * One long-lived connection, checked byte for byte: from inside a simulated pod, opens a single TCP connection to
 * {@code url} (a hello server) and, for at most {@code seconds} or until {@code stop_file} exists, POSTs a numbered
 * chunk of pseudo-random bytes to {@code /echo} every {@code interval_ms} on that same connection (HTTP/1.1
 * keep-alive), comparing each answer with what it sent. Stops at the first difference or error: the connection
 * never reconnects.
 *
 * <p>Usage: {@code StreamClient <url> <seconds> [chunk_bytes=N] [interval_ms=N] [stop_file=PATH]} (defaults 4096
 * and 50)
 *
 * <p>Prints {@code event=stream_open local=...} once connected, {@code event=stream_progress exchanges=N} every
 * second, and at the end one summary line:
 * {@code exchanges=412 bytes=3375104 failures=0 local=10.244.1.10:41234 elapsed_ms=20013}.
 */
public final class StreamClient {

    private static final int TIMEOUT_MILLIS = 10_000;

    private StreamClient() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: StreamClient <url> <seconds> [chunk_bytes=N] [interval_ms=N]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        int chunk = (int) AppArguments.option(args, 2, "chunk_bytes", 4096);
        long interval = AppArguments.option(args, 2, "interval_ms", 50);
        Path stopFile = AppArguments.stopFile(args, 2);
        long start = System.nanoTime();
        long exchanges = 0;
        long bytes = 0;
        String local = "-";
        String failure = null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            local = socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
            System.out.println("event=stream_open local=" + local);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long nextProgress = System.nanoTime();
            while (System.nanoTime() < end && (stopFile == null || !Files.exists(stopFile))) {
                if (System.nanoTime() >= nextProgress) {
                    System.out.println("event=stream_progress exchanges=" + exchanges);
                    nextProgress += 1_000_000_000L;
                }
                byte[] sent = new byte[chunk];
                new Random(exchanges).nextBytes(sent);
                out.write(("POST /echo HTTP/1.1\r\nHost: " + url.getHost() + "\r\nContent-Length: " + chunk
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(sent);
                out.flush();
                byte[] received = readResponseBody(in);
                if (!Arrays.equals(sent, received)) {
                    failure = "exchange " + exchanges + ": the echo differs from what was sent (" + received.length
                            + " bytes back)";
                    break;
                }
                exchanges++;
                bytes += 2L * chunk;
                Thread.sleep(interval);
            }
        } catch (IOException | RuntimeException e) {
            failure = "exchange " + exchanges + ": " + e;
        }
        System.out.println("exchanges=" + exchanges + " bytes=" + bytes + " failures=" + (failure == null ? 0 : 1)
                + " local=" + local + " elapsed_ms=" + (System.nanoTime() - start) / 1_000_000
                + (failure == null ? "" : " failure=\"" + failure.replace('"', '\'') + "\""));
    }

    /** Reads one response: a 200 status line, headers with Content-Length, and that many body bytes. */
    private static byte[] readResponseBody(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected status line '" + status + "'");
        }
        int length = -1;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("response without Content-Length");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            throw new IOException("connection ended after " + body.length + " of " + length + " body bytes");
        }
        return body;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed by the peer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
