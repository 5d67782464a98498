package dev.ambit.runtime.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
 * leave in the order the requests came (HTTP/1.1 pipelining; the codec pairs them up in order too). A connection is
 * not read from the moment it has a reply pending until its last reply has been written to the socket, so a client
 * that does not read its answers stops being read; one that pipelines more than {@value #MAX_PENDING} requests in
 * one go gets its answers, then 429 and the end of the connection. Either way it cannot queue unbounded work or
 * memory. Requests after a reply that closes the connection are dropped.
 */
public final class ResponseRenderer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResponseRenderer.class);
    /** Replies queued and not yet sent, per connection; touched on its event loop only. */
    private static final AttributeKey<Integer> PENDING = AttributeKey.valueOf(ResponseRenderer.class, "pending");
    /** Set once a reply that closes the connection is queued; touched on its event loop only. */
    private static final AttributeKey<Boolean> ENDING = AttributeKey.valueOf(ResponseRenderer.class, "ending");
    /** Requests one connection may have waiting for their replies: more than a person or a scraper pipelines. */
    static final int MAX_PENDING = 16;

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
        if (Boolean.TRUE.equals(channel.attr(ENDING).get())) {
            return; // an earlier reply ends the connection: nothing after it would be sent
        }
        int pending = pending(channel);
        if (pending >= MAX_PENDING) {
            log.info("event=http_connection_closing renderer={} remote={} reason=too_many_pipelined_requests limit={}",
                    threadName, channel.remoteAddress(), MAX_PENDING);
            build = alloc -> HttpReplies.text(alloc, HttpResponseStatus.TOO_MANY_REQUESTS);
            keepAlive = false;
        }
        if (!keepAlive) {
            channel.attr(ENDING).set(true);
        }
        Function<ByteBufAllocator, FullHttpResponse> reply = build;
        boolean keepOpen = keepAlive;
        try {
            executor.execute(() -> {
                // A client gone meanwhile gets nothing built; its slot is still given back on the loop.
                FullHttpResponse response = channel.isActive() ? built(ctx.alloc(), reply) : null;
                try {
                    ctx.executor().execute(() -> send(ctx, response, keepOpen));
                } catch (RejectedExecutionException e) {
                    // The event loop is shutting down with the tunnel: nobody is left to answer.
                    if (response != null) {
                        response.release();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed with its listener: the connection ends with this answer, so nothing can come after it.
            HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE), false);
            return;
        }
        channel.attr(PENDING).set(pending + 1);
        channel.config().setAutoRead(false);
    }

    /** Refuses a request with {@code status} (its reason phrase as the body), in turn, and ends the connection. */
    public void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
        reply(ctx, alloc -> HttpReplies.text(alloc, status), false);
    }

    private FullHttpResponse built(ByteBufAllocator alloc, Function<ByteBufAllocator, FullHttpResponse> build) {
        try {
            return build.apply(alloc);
        } catch (Throwable e) {
            // An Error too (out of direct memory, say): the client gets an answer, the thread goes on. The answer's
            // buffer is a small unpooled heap one, which that failure cannot take down as well.
            log.warn("event=http_reply_failed renderer={} error=\"{}\"", threadName, e.toString());
            return HttpReplies.text(UnpooledByteBufAllocator.DEFAULT, HttpResponseStatus.INTERNAL_SERVER_ERROR);
        }
    }

    /** On the loop: sends a reply (none if the client had gone); reads again once the last one is written. */
    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        Channel channel = ctx.channel();
        int left = pending(channel) - 1;
        channel.attr(PENDING).set(left);
        if (response == null) {
            return;
        }
        ChannelFuture written = HttpReplies.send(ctx, response, keepAlive);
        if (left == 0 && keepAlive && written != null) {
            written.addListener(f -> {
                if (f.isSuccess() && pending(channel) == 0) {
                    channel.config().setAutoRead(true);
                }
            });
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
