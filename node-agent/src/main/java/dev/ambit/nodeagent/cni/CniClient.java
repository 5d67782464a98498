package dev.ambit.nodeagent.cni;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The plugin's side of the agent's socket, in Java: what the local mesh and the tests use to start a pod the way the
 * kubelet's CNI call does. The plugin itself is C (cni-plugin/), speaking the same one-line protocol.
 */
public final class CniClient {

    private final Path socket;
    private final Duration timeout;

    public CniClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Sends the request and waits for the answer; an unreachable agent or a timeout throws {@link IOException}. */
    public CniAnswer call(CniRequest request) throws IOException {
        CompletableFuture<CniAnswer> answer = CompletableFuture.supplyAsync(() -> exchange(request));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException("no answer from the node agent at " + socket + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof java.io.UncheckedIOException io ? io.getCause()
                    : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the node agent", e);
        }
    }

    private CniAnswer exchange(CniRequest request) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((request.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(8 * 1024);
            while (channel.read(in) >= 0 && in.hasRemaining()) {
                // the agent closes after its one answer line
            }
            String line = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).trim();
            if (line.isEmpty()) {
                throw new IOException("the node agent at " + socket + " closed without an answer");
            }
            return CniAnswer.parse(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
