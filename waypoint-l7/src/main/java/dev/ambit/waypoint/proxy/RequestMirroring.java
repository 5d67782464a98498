package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.waypoint.route.ServiceKey;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Shadows one request to its mirrors, once, when its whole body is here; bodies beyond the retry buffer are not
 * mirrored, since a copy is all a mirror can get.
 */
final class RequestMirroring {

    private final ExchangeEnvironment env;
    private final CompiledConfig config;
    private final Downstream downstream;
    private final HttpRequest request;
    private final RequestBody body;
    private final List<Mirror> mirrors;
    private boolean sent;

    RequestMirroring(ExchangeEnvironment env, CompiledConfig config, Downstream downstream, HttpRequest request,
            RequestBody body, List<Mirror> mirrors) {
        this.env = env;
        this.config = config;
        this.downstream = downstream;
        this.request = request;
        this.body = body;
        this.mirrors = mirrors;
    }

    /** Sends the shadows if the body is complete and they have not gone yet; called as the body arrives. */
    void sendIfComplete() {
        if (sent || mirrors.isEmpty() || !body.complete() || !body.replayable()) {
            return;
        }
        sent = true;
        for (Mirror mirror : mirrors) {
            if (env.random().nextDouble() * 100 >= mirror.percentage()) {
                continue;
            }
            ServiceKey key = new ServiceKey(mirror.backend().service(), mirror.backend().port().getAsInt());
            config.cluster(key).ifPresent(target -> ShadowRequest.send(env, downstream.loop(), target, shadowHead(),
                    body.copy()));
        }
    }

    /** Envoy's convention: the shadow's host gets {@code -shadow} so backends can tell it from real traffic. */
    private HttpRequest shadowHead() {
        HttpHeaders headers = request.headers().copy();
        String host = headers.get(HttpHeaderNames.HOST, "");
        HostAndPort authority = HostAndPort.parse(host);
        headers.set(HttpHeaderNames.HOST, authority.host() + "-shadow" + (authority.port() > 0 ? ":" + authority.port() : ""));
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, (int) body.bytes());
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
    }
}
