package dev.ambit.ztunnel.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * One thread that builds responses off the event loops, for endpoints whose answers read slow or large state (BPF
 * maps, certificate state, the whole config); the response goes back to the connection's own loop to be sent.
 */
public final class ResponseRenderer implements AutoCloseable {

    private final ExecutorService thread;

    public ResponseRenderer(String threadName) {
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread rendering = new Thread(runnable, threadName);
            rendering.setDaemon(true);
            return rendering;
        });
    }

    /**
     * Renders on this renderer's thread and sends the result; 503 at once when the renderer is closed. {@code render}
     * answers its own failures (and logs them): whatever it returns is sent.
     */
    public void render(ChannelHandlerContext ctx, Function<ChannelHandlerContext, FullHttpResponse> render,
            boolean keepAlive) {
        try {
            thread.execute(() -> {
                FullHttpResponse response = render.apply(ctx);
                try {
                    ctx.executor().execute(() -> HttpReplies.send(ctx, response, keepAlive));
                } catch (RejectedExecutionException e) {
                    // The event loop is shutting down with the tunnel: nobody is left to answer.
                    response.release();
                }
            });
        } catch (RejectedExecutionException e) {
            HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE), false);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
