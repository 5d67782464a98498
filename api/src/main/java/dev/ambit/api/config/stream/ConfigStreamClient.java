package dev.ambit.api.config.stream;

import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.ambit.api.config.ResourceCodec;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.config.v1.ConfigDiscoveryServiceGrpc;
import dev.ambit.api.config.v1.ConfigRequest;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-plane end of the config stream ({@code ambit.config.v1}): subscribes to the given kinds, validates and
 * applies each push as a whole, ACKs or NACKs it by nonce, and reconnects with backoff, resuming from the versions
 * it holds so the controller resends only what changed.
 *
 * <p>A push is all or nothing: if any resource in it fails validation, or the consumer rejects the resulting view,
 * the push is NACKed with the reason and the consumer keeps its last good config. While the controller is
 * unreachable the consumer keeps serving what it has.
 */
public final class ConfigStreamClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigStreamClient.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    /**
     * While the controller is away a node serves its last config, but it learns of no new pod: a new pod's CNI ADD
     * and its first connections wait for config naming it ({@code --cni-enroll-wait}, {@code --source-wait}: 5 s
     * each). So a node must be back within about that long of the controller: 5 s, not the 30 s an xDS client
     * often uses. Full jitter spreads a whole cluster's reconnects over those 5 s, and a resumed stream costs the
     * controller only the differences (its {@code initial_resource_versions}).
     */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final ConfigDiscoveryServiceGrpc.ConfigDiscoveryServiceStub stub;
    private final ClientInfo client;
    private final List<ResourceType> types;
    private final ConfigConsumer consumer;
    private final ScheduledExecutorService scheduler;
    private final ReconnectBackoff backoff = new ReconnectBackoff(MIN_BACKOFF, MAX_BACKOFF);
    /** Per kind: resource name → version held, sent as initial_resource_versions on reconnect. */
    private final Map<ResourceType, Map<String, String>> versions = new EnumMap<>(ResourceType.class);
    /** Per kind: the controller's system_version_info of the last push applied, for status and metrics. */
    private final Map<ResourceType, String> appliedSystemVersions = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong acceptedPushes = new AtomicLong();
    private final AtomicLong rejectedPushes = new AtomicLong();

    // Guarded by this: the stream of the current generation; callbacks of older streams are ignored.
    private ClientCallStreamObserver<ConfigRequest> requests;
    private long generation;
    private boolean closed;
    private boolean connected;
    private MeshConfig current = MeshConfig.EMPTY;

    public ConfigStreamClient(Channel channel, ClientInfo client, List<ResourceType> types, ConfigConsumer consumer) {
        this.stub = ConfigDiscoveryServiceGrpc.newStub(channel);
        this.client = client;
        this.types = List.copyOf(types);
        this.consumer = consumer;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-config-reconnect");
            thread.setDaemon(true);
            return thread;
        });
        types.forEach(type -> versions.put(type, new HashMap<>()));
    }

    public synchronized void start() {
        openStream();
    }

    /** The last config accepted. */
    public synchronized MeshConfig current() {
        return current;
    }

    public synchronized boolean connected() {
        return connected;
    }

    /** The controller's config version each kind was last brought to (absent until a first push is applied). */
    public Map<ResourceType, String> appliedVersions() {
        return Map.copyOf(appliedSystemVersions);
    }

    public long acceptedPushes() {
        return acceptedPushes.get();
    }

    public long rejectedPushes() {
        return rejectedPushes.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        scheduler.shutdownNow();
        if (requests != null) {
            requests.cancel("client closing", null);
        }
    }

    private synchronized void openStream() {
        if (closed) {
            return;
        }
        long streamGeneration = ++generation;
        stub.streamConfig(new ClientResponseObserver<ConfigRequest, ConfigResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ConfigRequest> stream) {
                requests = stream;
                // Up once gRPC can send on it, not at the first push: a client that resumes holding everything
                // current gets no push at all, maybe for hours, and was reported disconnected all that time.
                stream.setOnReadyHandler(() -> onReady(streamGeneration));
            }

            @Override
            public void onNext(ConfigResponse response) {
                onPush(streamGeneration, response);
            }

            @Override
            public void onError(Throwable error) {
                onStreamEnd(streamGeneration, io.grpc.Status.fromThrowable(error).toString());
            }

            @Override
            public void onCompleted() {
                onStreamEnd(streamGeneration, "closed by the controller");
            }
        });
        boolean first = true;
        for (ResourceType type : types) {
            ConfigRequest.Builder request = ConfigRequest.newBuilder()
                    .setTypeUrl(type.typeUrl())
                    .putAllInitialResourceVersions(versions.get(type));
            if (first) {
                request.setClient(client);
                first = false;
            }
            requests.onNext(request.build());
        }
        log.info("event=config_stream_open client={} generation={} resumed_resources={}", client.getId(),
                streamGeneration, versions.values().stream().mapToInt(Map::size).sum());
    }

    private synchronized void onReady(long streamGeneration) {
        if (streamGeneration == generation && !closed) {
            connected = true;
        }
    }

    private synchronized void onPush(long streamGeneration, ConfigResponse push) {
        if (streamGeneration != generation || closed) {
            return;
        }
        connected = true;
        backoff.reset();
        ResourceType type = ResourceType.fromTypeUrl(push.getTypeUrl()).orElse(null);
        if (type == null || !versions.containsKey(type)) {
            reject(push, "type_url '" + push.getTypeUrl() + "' is not one this client subscribed to");
            return;
        }
        Map<String, ConfigResource> byName = new HashMap<>(current.resources(type));
        Map<String, String> nextVersions = new HashMap<>(versions.get(type));
        try {
            for (Resource resource : push.getResourcesList()) {
                byName.put(resource.getName(), ResourceCodec.decode(type, resource));
                nextVersions.put(resource.getName(), resource.getVersion());
            }
            for (String removed : push.getRemovedResourcesList()) {
                byName.remove(removed);
                nextVersions.remove(removed);
            }
            MeshConfig next = current.with(type, byName);
            consumer.apply(next);
            current = next;
        } catch (RuntimeException e) {
            reject(push, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        versions.put(type, nextVersions);
        appliedSystemVersions.put(type, push.getSystemVersionInfo());
        acceptedPushes.incrementAndGet();
        requests.onNext(ConfigRequest.newBuilder().setTypeUrl(push.getTypeUrl())
                .setResponseNonce(push.getNonce()).build());
        log.info("event=config_push_accepted type={} nonce={} changed={} removed={} total={}", type.kind(),
                push.getNonce(), push.getResourcesCount(), push.getRemovedResourcesCount(), byName.size());
    }

    private void reject(ConfigResponse push, String reason) {
        rejectedPushes.incrementAndGet();
        requests.onNext(ConfigRequest.newBuilder().setTypeUrl(push.getTypeUrl())
                .setResponseNonce(push.getNonce())
                .setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(reason))
                .build());
        log.warn("event=config_push_rejected type_url={} nonce={} reason=\"{}\"", push.getTypeUrl(), push.getNonce(),
                reason);
    }

    private synchronized void onStreamEnd(long streamGeneration, String reason) {
        if (streamGeneration != generation || closed) {
            return;
        }
        connected = false;
        long delay = backoff.nextDelayMillis();
        log.warn("event=config_stream_closed client={} reason=\"{}\" retry_in_ms={} serving=last_good_config",
                client.getId(), reason, delay);
        scheduler.schedule(this::openStream, delay, TimeUnit.MILLISECONDS);
    }
}
