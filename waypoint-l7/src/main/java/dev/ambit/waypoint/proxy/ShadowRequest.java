package dev.ambit.waypoint.proxy;

import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamListener;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import dev.ambit.waypoint.upstream.UpstreamStream;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fire-and-forget copy of a request to a mirror service: its response is read and dropped, its failures are only
 * logged at debug, and it gives up after {@link #TIMEOUT_SECONDS}. It never delays or changes the real request.
 */
final class ShadowRequest implements UpstreamListener {

    static final long TIMEOUT_SECONDS = 10;

    private final Cluster cluster;
    private final HttpRequest head;
    private final List<HttpContent> body;
    private UpstreamStream stream;
    private ScheduledFuture<?> timer;
    private boolean done;

    private ShadowRequest(Cluster cluster, HttpRequest head, List<HttpContent> body) {
        this.cluster = cluster;
        this.head = head;
        this.body = body;
    }

    /** Takes ownership of {@code body}. */
    static void send(ExchangeEnvironment env, EventLoop loop, Cluster cluster, HttpRequest head,
            List<HttpContent> body) {
        ShadowRequest shadow = new ShadowRequest(cluster, head, body);
        UpstreamHost host = cluster.pick(System.nanoTime()).orElse(null);
        if (host == null || !cluster.breaker().tryStartRequest()) {
            shadow.releaseBody();
            return;
        }
        shadow.timer = loop.schedule(() -> shadow.fail(), TIMEOUT_SECONDS, TimeUnit.SECONDS);
        UpstreamProtocol protocol = cluster.protocol().orElse(UpstreamProtocol.HTTP1);
        env.pools().acquire(loop, host.target(), protocol, cluster.breaker())
                .addListener((Future<UpstreamStream> connected) -> shadow.connected(connected));
    }

    private void connected(Future<UpstreamStream> connected) {
        if (!connected.isSuccess() || done) {
            if (connected.isSuccess()) {
                connected.getNow().abort();
            }
            fail();
            return;
        }
        stream = connected.getNow();
        stream.attach(this);
        stream.write(head);
        body.forEach(stream::write);
        body.clear();
        stream.flush();
        stream.read();
    }

    @Override
    public void onResponse(HttpObject message) {
        boolean last = message instanceof LastHttpContent;
        ReferenceCountUtil.release(message);
        if (last) {
            end();
            stream.release(true);
        } else {
            stream.read();
        }
    }

    @Override
    public void onWritable() {
        // The whole body was written at once: it fits the retry buffer.
    }

    @Override
    public void onStreamError(Throwable cause) {
        fail();
    }

    private void fail() {
        if (stream != null) {
            stream.abort();
        }
        end();
    }

    private void end() {
        if (!done) {
            done = true;
            timer.cancel(false);
            cluster.breaker().requestDone();
            releaseBody();
        }
    }

    private void releaseBody() {
        body.forEach(ReferenceCountUtil::release);
        body.clear();
    }
}
