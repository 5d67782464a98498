package dev.ambit.ztunnel.inbound;

import dev.ambit.ztunnel.config.TunnelConfigStore;
import dev.ambit.ztunnel.connections.LiveConnection;
import dev.ambit.ztunnel.connections.LiveConnections;
import dev.ambit.runtime.hbone.HboneRelayAcceptor;
import dev.ambit.runtime.hbone.RelayedStream;
import dev.ambit.ztunnel.metrics.ConnectionLabels;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.ztunnel.metrics.TunnelMetrics;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node tunnel does with a CONNECT received on :15008: admit it (local workload, L4 authorization), connect
 * to the pod, answer 200 and relay. Refusals are answered 403 (policy), 404 (not a workload here) or 503 (the pod
 * does not answer) and counted.
 */
public final class HboneInbound implements HboneRelayAcceptor {

    private static final Logger log = LoggerFactory.getLogger(HboneInbound.class);

    private final Transport transport;
    private final TunnelConfigStore config;
    private final String node;
    private final TunnelMetrics metrics;
    private final LiveConnections connections;
    private final Duration connectTimeout;

    public HboneInbound(Transport transport, TunnelConfigStore config, String node, TunnelMetrics metrics,
            LiveConnections connections, Duration connectTimeout) {
        this.transport = transport;
        this.config = config;
        this.node = node;
        this.metrics = metrics;
        this.connections = connections;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public void accept(RelayedStream stream) {
        Admission admission = Admission.decide(config.current(), node, stream.target(), Optional.of(stream.peer()));
        ConnectionLabels labels = ConnectionLabels.of(ConnectionLabels.INBOUND, Optional.empty(),
                Optional.of(stream.peer()), admission.destination());
        if (!admission.admitted()) {
            FailureReason reason = admission.refusal().orElseThrow();
            if (admission.destination().isPresent()) {
                metrics.connectionRefused(labels, reason);
            }
            refuse(stream, reason, reason == FailureReason.POLICY_DENIED ? HttpResponseStatus.FORBIDDEN
                    : HttpResponseStatus.NOT_FOUND, admission.detail());
            return;
        }
        // On the stream's loop: the relay then never crosses threads.
        transport.connect(stream.eventLoop(), stream.target(), connectTimeout).addListener(f -> {
            if (!f.isSuccess()) {
                refuse(stream, FailureReason.UPSTREAM_UNREACHABLE, HttpResponseStatus.SERVICE_UNAVAILABLE,
                        f.cause().getMessage());
                return;
            }
            Channel pod = (Channel) f.getNow();
            if (!stream.isOpen()) {
                pod.close();
                return;
            }
            connections.track(pod, LiveConnection.Protocol.HBONE, (InetSocketAddress) stream.connectionAddress(),
                    stream.target(), labels);
            stream.relay(pod, metrics.connectionOpened(labels));
        });
    }

    private void refuse(RelayedStream stream, FailureReason reason, HttpResponseStatus status, String detail) {
        metrics.record(reason);
        log.info("event=inbound_refused peer={} target={} reason={} status={} detail=\"{}\"", stream.peer(),
                stream.target(), reason.label(), status.code(), detail);
        stream.reject(status);
    }
}
