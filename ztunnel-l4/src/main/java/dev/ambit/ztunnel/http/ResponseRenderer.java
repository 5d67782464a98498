package dev.ambit.ztunnel.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that builds responses off the event loops, for endpoints whose answers read slow or large state (BPF
 * maps, certificate state, the whole config); the response goes back to the connection's own loop to be sent.
 *
 * <p>Every reply of a connection goes through this thread, a refusal ready at once as much as a page, so replies
 * leave in the order the requests came (HTTP/1.1 pipelining; the codec pairs them up in order too). While a
 * connection has replies pending it is not read, so a client cannot queue unbounded work.
 */
public final class ResponseRenderer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResponseRenderer.class);
    /** Replies queued and not yet sent, per connection; touched on its event loop only. */
    private static final AttributeKey<Integer> PENDING = AttributeKey.valueOf(ResponseRenderer.class, "pending");

    private final ExecutorService executor;
    private final String threadName;

    public ResponseRenderer(String threadName) {
        this.threadName = threadName;
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread rendering = new Thread(runnable, threadName);
            rendering.setDaemon(true);
            return rendering;
        });
    }

    /**
     * Called on the connection's event loop: builds the reply on this renderer's thread and sends it after every
     * earlier reply of the connection; closes the connection after it unless {@code keepAlive}. {@code build} answers
     * its own failures (and logs them); one that throws anyway is answered 500. 503 at once when the renderer is
     * closed.
     */
    public void reply(ChannelHandlerContext ctx, Function<ByteBufAllocator, FullHttpResponse> build,
            boolean keepAlive) {
        Channel channel = ctx.channel();
        try {
            executor.execute(() -> {
                FullHttpResponse response = built(ctx.alloc(), build);
                try {
                    ctx.executor().execute(() -> send(ctx, response, keepAlive));
                } catch (RejectedExecutionException e) {
                    // The event loop is shutting down with the tunnel: nobody is left to answer.
                    response.release();
                }
            });
        } catch (RejectedExecutionException e) {
            HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE), false);
            return;
        }
        channel.attr(PENDING).set(pending(channel) + 1);
        channel.config().setAutoRead(false);
    }

    private FullHttpResponse built(ByteBufAllocator alloc, Function<ByteBufAllocator, FullHttpResponse> build) {
        try {
            return build.apply(alloc);
        } catch (Throwable e) {
            // An Error too (out of direct memory, say): the client gets an answer, the thread goes on.
            log.warn("event=http_reply_failed renderer={} error=\"{}\"", threadName, e.toString());
            return HttpReplies.text(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR);
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpReplies.send(ctx, response, keepAlive);
        Channel channel = ctx.channel();
        int left = pending(channel) - 1;
        channel.attr(PENDING).set(left);
        if (left == 0 && keepAlive) {
            channel.config().setAutoRead(true);
        }
    }

    private static int pending(Channel channel) {
        Integer pending = channel.attr(PENDING).get();
        return pending == null ? 0 : pending;
    }

    /** Stops taking work; waits a moment for a reply being built, which may read state its owner closes next. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                log.warn("event=http_renderer_stuck renderer={}", threadName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
