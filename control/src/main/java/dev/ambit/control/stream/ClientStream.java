package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.config.v1.ConfigRequest;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.ConfigSnapshot;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected client. Its pending work is never a queue: a new snapshot replaces the one it was offered before,
 * and each drain diffs the latest snapshot against what the client holds, so a slow client skips intermediate
 * states and costs one snapshot reference. Sends only while gRPC says the transport is ready, so a stalled client
 * never buffers pushes nor holds a thread; gRPC's on-ready callback resumes it.
 */
final class ClientStream {

    private static final Logger log = LoggerFactory.getLogger(ClientStream.class);

    private final ClientInfo client;
    private final ClientScope scope;
    private final ServerCallStreamObserver<ConfigResponse> call;
    private final Executor pushExecutor;
    private final Supplier<String> nonces;
    private final ControlMetrics metrics;
    private final Map<ResourceType, TypeStream> types = new EnumMap<>(ResourceType.class);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private ConfigSnapshot latest;
    /** {@link System#nanoTime()} of the oldest change the client does not have yet; 0 when in sync. */
    private long pendingSinceNanos;
    private boolean closed;

    ClientStream(ClientInfo client, ClientScope scope, ServerCallStreamObserver<ConfigResponse> call,
            ConfigSnapshot snapshot, Executor pushExecutor, Supplier<String> nonces, ControlMetrics metrics) {
        this.client = client;
        this.scope = scope;
        this.call = call;
        this.latest = snapshot;
        this.pushExecutor = pushExecutor;
        this.nonces = nonces;
        this.metrics = metrics;
    }

    ClientInfo client() {
        return client;
    }

    /** A request of this stream, the first one included. */
    synchronized void onRequest(ConfigRequest request, ResourceType type) {
        TypeStream stream = types.get(type);
        if (stream == null) {
            stream = new TypeStream(type, request.getInitialResourceVersionsMap());
            types.put(type, stream);
            markPending(System.nanoTime());
            log.info("event=config_subscribed client={} type={} resumed_resources={}", client.getId(), type.kind(),
                    request.getInitialResourceVersionsCount());
        } else if (!request.getResponseNonce().isEmpty()) {
            answer(stream, request);
        }
        stream.subscribe(request.getResourceNamesSubscribeList(), request.getResourceNamesUnsubscribeList());
        scheduleDrain();
    }

    /** A new snapshot: replaces whatever this client had not been sent yet. */
    void offer(ConfigSnapshot snapshot) {
        synchronized (this) {
            latest = snapshot;
            markPending(snapshot.changedAtNanos());
        }
        scheduleDrain();
    }

    void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            pushExecutor.execute(this::drain);
        }
    }

    /** Ends the stream with {@code status}: OK completes it, anything else fails it. */
    synchronized void close(Status status) {
        if (!closed) {
            closed = true;
            if (status.isOk()) {
                call.onCompleted();
            } else {
                call.onError(status.asRuntimeException());
            }
        }
    }


    /** When the oldest unanswered push went out, in {@link System#nanoTime()}. */
    synchronized OptionalLong oldestUnansweredNanos() {
        return types.values().stream().filter(TypeStream::awaitingAnswer).mapToLong(TypeStream::sentAtNanos).min();
    }

    private void answer(TypeStream stream, ConfigRequest request) {
        String nonce = request.getResponseNonce();
        com.google.rpc.Status error = request.hasErrorDetail() ? request.getErrorDetail() : null;
        switch (stream.answer(nonce, error)) {
            case ACK -> log.debug("event=config_ack client={} type={} nonce={}", client.getId(), stream.type().kind(),
                    nonce);
            case NACK -> {
                metrics.nacked(stream.type());
                log.warn("event=config_nack client={} node={} type={} nonce={} reason=\"{}\"", client.getId(),
                        client.getNodeName(), stream.type().kind(), nonce, error.getMessage());
            }
            case STALE -> log.debug("event=config_stale_answer client={} type={} nonce={}", client.getId(),
                    stream.type().kind(), nonce);
        }
    }

    private synchronized void drain() {
        drainScheduled.set(false);
        if (closed) {
            return;
        }
        boolean behind = false;
        for (TypeStream stream : types.values()) {
            if (stream.awaitingAnswer()) {
                behind = true;
                continue;
            }
            if (!call.isReady()) {
                behind = true;
                break;
            }
            ConfigResponse push = stream.nextPush(scope.view(stream.type(), latest), nonces.get(), latest.version());
            if (push != null) {
                call.onNext(push);
                metrics.pushed(stream.type(), System.nanoTime() - pendingSinceNanos);
                log.debug("event=config_push client={} type={} nonce={} resources={} removed={}", client.getId(),
                        stream.type().kind(), push.getNonce(), push.getResourcesCount(), push.getRemovedResourcesCount());
                behind = true;
            }
        }
        if (!behind) {
            pendingSinceNanos = 0;
        }
    }

    private void markPending(long sinceNanos) {
        if (pendingSinceNanos == 0) {
            pendingSinceNanos = sinceNanos;
        }
    }
}
