package dev.ambit.waypoint.upstream;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.runtime.hbone.HboneKey;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Optional;

/**
 * Reaches mesh workloads through HBONE: a CONNECT stream to the endpoint, through the node tunnel that serves it,
 * presenting the waypoint's identity and requiring the workload's. Endpoints outside the mesh (no workload, or
 * dataplane mode NONE) are reached with {@code plaintext}. Streams come from the pool of the caller's loop, so they
 * live on that loop as {@link UpstreamConnector} promises.
 */
public final class HboneUpstreamConnector implements UpstreamConnector {

    private final LoopHbonePools pools;
    private final SpiffeId identity;
    private final UpstreamConnector plaintext;

    /** @param identity the waypoint's own identity, held by the pool's TLS contexts */
    public HboneUpstreamConnector(LoopHbonePools pools, SpiffeId identity, UpstreamConnector plaintext) {
        this.pools = pools;
        this.identity = identity;
        this.plaintext = plaintext;
    }

    @Override
    public Future<Channel> connect(UpstreamTarget target, EventLoop loop) {
        Optional<Workload> meshWorkload = target.workload()
                .filter(workload -> workload.dataplaneMode() == DataplaneMode.AMBIENT && workload.tunnel().isPresent());
        if (meshWorkload.isEmpty()) {
            return plaintext.connect(target, loop);
        }
        Workload workload = meshWorkload.get();
        Promise<Channel> result = loop.newPromise();
        pools.of(loop).connect(new HboneKey(identity, workload.tunnelFor(target.address().getAddress()).orElseThrow(),
                        workload.identity()), target.address(), loop)
                .addListener((Future<Http2StreamChannel> stream) -> {
                    if (stream.isSuccess()) {
                        result.setSuccess(stream.getNow());
                    } else {
                        result.setFailure(stream.cause());
                    }
                });
        return result;
    }
}
