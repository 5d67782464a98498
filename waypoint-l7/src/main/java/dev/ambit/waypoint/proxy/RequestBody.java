package dev.ambit.waypoint.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body on its way upstream. While it fits the retry buffer every chunk is kept, so a retry or a mirror
 * can replay it; once it outgrows the buffer, chunks are dropped as soon as the current attempt has them and the
 * request can no longer be retried.
 */
final class RequestBody {

    private final int replayLimit;
    private final List<ByteBuf> chunks = new ArrayList<>();
    private HttpHeaders trailers;
    private boolean complete;
    private boolean replayable = true;
    private long bytes;
    /** Index (over all chunks ever added) of {@code chunks.get(0)}. */
    private int base;
    /** How many items (chunks, then the end) the current attempt has been sent. */
    private int sent;

    RequestBody(int replayLimit) {
        this.replayLimit = replayLimit;
    }

    /** Takes ownership of {@code content}. */
    void add(HttpContent content) {
        ByteBuf data = content.content();
        if (data.isReadable()) {
            chunks.add(data);
            bytes += data.readableBytes();
        } else {
            data.release();
        }
        if (content instanceof LastHttpContent last) {
            // Most requests have no trailers: no copy (and no empty headers object) for them.
            trailers = last.trailingHeaders().isEmpty() ? EmptyHttpHeaders.INSTANCE : last.trailingHeaders().copy();
            complete = true;
        }
        if (replayable && bytes > replayLimit) {
            replayable = false;
            dropSent();
        }
    }

    boolean complete() {
        return complete;
    }

    boolean replayable() {
        return replayable;
    }

    long bytes() {
        return bytes;
    }

    /** Starts over for a new attempt; only while replayable. */
    void rewind() {
        sent = 0;
    }

    /** Whether the current attempt has everything, the end included. */
    boolean allSent() {
        return complete && sent == base + chunks.size() + 1;
    }

    /** Sends the current attempt what it lacks. */
    void sendTo(dev.ambit.waypoint.upstream.UpstreamStream stream) {
        while (sent < base + chunks.size()) {
            ByteBuf chunk = chunks.get(sent - base);
            stream.write(new DefaultHttpContent(replayable ? chunk.retainedDuplicate() : chunk));
            sent++;
            if (!replayable) {
                chunks.remove(0);
                base++;
            }
        }
        if (complete && sent == base + chunks.size()) {
            stream.write(trailers.isEmpty() ? LastHttpContent.EMPTY_LAST_CONTENT
                    : new DefaultLastHttpContent(stream.channel().alloc().buffer(0), trailers));
            sent++;
        }
    }

    /** Retained copies of the whole body (complete and replayable only), for a mirror. */
    List<HttpContent> copy() {
        List<HttpContent> copy = new ArrayList<>(chunks.size() + 1);
        chunks.forEach(chunk -> copy.add(new DefaultHttpContent(chunk.retainedDuplicate())));
        copy.add(trailers.isEmpty() ? LastHttpContent.EMPTY_LAST_CONTENT
                : new DefaultLastHttpContent(io.netty.buffer.Unpooled.EMPTY_BUFFER, trailers));
        return copy;
    }

    void release() {
        chunks.forEach(ByteBuf::release);
        chunks.clear();
    }

    private void dropSent() {
        while (base < sent && !chunks.isEmpty()) {
            chunks.remove(0).release();
            base++;
        }
    }
}
