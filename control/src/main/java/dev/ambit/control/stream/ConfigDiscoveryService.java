package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ConfigDiscoveryServiceGrpc;
import dev.ambit.api.config.v1.ConfigRequest;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.control.model.MeshModel;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.model.SnapshotListener;
import dev.ambit.control.tls.PeerIdentityInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config stream ({@code ambit.config.v1.ConfigDiscoveryService}): one {@link ClientStream} per connected
 * client, each offered every new snapshot. Pushes run on a small fixed pool, never on the model thread, and a
 * client that leaves a push unanswered for longer than the answer timeout is disconnected so that it reconnects
 * and resumes rather than hold a half-open stream.
 */
public final class ConfigDiscoveryService extends ConfigDiscoveryServiceGrpc.ConfigDiscoveryServiceImplBase
        implements SnapshotListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigDiscoveryService.class);

    private final MeshModel model;
    private final ClientAuthorization authorization;
    private final ControlMetrics metrics;
    private final int maxClients;
    private final long answerTimeoutNanos;
    private final Map<String, ClientStream> clients = new ConcurrentHashMap<>();
    private final ExecutorService pushExecutor;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-config-answer-timeouts");
        thread.setDaemon(true);
        return thread;
    });
    private final String noncePrefix = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private final AtomicLong nonces = new AtomicLong();

    public ConfigDiscoveryService(MeshModel model, MeshSettings settings, ControlMetrics metrics, int maxClients,
            Duration answerTimeout, int pushThreads) {
        this.model = model;
        this.authorization = new ClientAuthorization(settings);
        this.metrics = metrics;
        this.maxClients = maxClients;
        this.answerTimeoutNanos = answerTimeout.toNanos();
        this.pushExecutor = Executors.newFixedThreadPool(pushThreads, runnable -> {
            Thread thread = new Thread(runnable, "ambit-config-push");
            thread.setDaemon(true);
            return thread;
        });
        long sweepMillis = Math.max(100, answerTimeout.toMillis() / 4);
        sweeper.scheduleWithFixedDelay(this::disconnectSilentClients, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        model.addListener(this);
    }

    public int connectedClients() {
        return clients.size();
    }

    @Override
    public void onSnapshot(ConfigSnapshot snapshot) {
        clients.values().forEach(client -> client.offer(snapshot));
    }

    @Override
    public StreamObserver<ConfigRequest> streamConfig(StreamObserver<ConfigResponse> responses) {
        Session session = new Session((ServerCallStreamObserver<ConfigResponse>) responses);
        // gRPC takes these handlers only before this method returns, when the client is not known yet.
        session.call.setOnReadyHandler(session::onReady);
        session.call.setOnCancelHandler(() -> release(session.stream, Status.CANCELLED));
        return session;
    }

    /** One call: opens its {@link ClientStream} on the first request and feeds it the rest. */
    private final class Session implements StreamObserver<ConfigRequest> {
        private final ServerCallStreamObserver<ConfigResponse> call;
        private volatile ClientStream stream;
        private boolean refused;

        Session(ServerCallStreamObserver<ConfigResponse> call) {
            this.call = call;
        }

        void onReady() {
            ClientStream opened = stream;
            if (opened != null) {
                opened.scheduleDrain();
            }
        }

        @Override
        public void onNext(ConfigRequest request) {
            if (refused) {
                return;
            }
            try {
                ResourceType type = ResourceType.fromTypeUrl(request.getTypeUrl())
                        .orElseThrow(() -> Status.INVALID_ARGUMENT.withDescription("unknown type_url '"
                                + request.getTypeUrl() + "'").asException());
                if (stream == null) {
                    stream = open(request, call);
                }
                stream.onRequest(request, type);
            } catch (StatusException e) {
                log.warn("event=config_stream_refused client={} status={} reason=\"{}\"",
                        request.getClient().getId(), e.getStatus().getCode(), e.getStatus().getDescription());
                refused = true;
                if (stream == null) {
                    call.onError(e);
                } else {
                    stream.close(e.getStatus());
                    release(stream, e.getStatus());
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            release(stream, Status.fromThrowable(error));
        }

        @Override
        public void onCompleted() {
            release(stream, Status.OK);
            if (stream != null) {
                stream.close(Status.OK);
            } else {
                call.onCompleted();
            }
        }
    }

    private ClientStream open(ConfigRequest request, ServerCallStreamObserver<ConfigResponse> call)
            throws StatusException {
        if (!request.hasClient()) {
            throw Status.INVALID_ARGUMENT.withDescription("the first request must carry client").asException();
        }
        ClientScope scope = authorization.authorize(request.getClient(), PeerIdentityInterceptor.current());
        if (clients.size() >= maxClients) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("the controller serves at most " + maxClients
                    + " clients").asException();
        }
        ClientStream stream = new ClientStream(request.getClient(), scope, call, model.current(), pushExecutor,
                () -> noncePrefix + "-" + Long.toHexString(nonces.incrementAndGet()), metrics);
        ClientStream replaced = clients.put(request.getClient().getId(), stream);
        if (replaced != null) {
            // Same client id: the client reconnected and its old stream is a half-open leftover.
            replaced.close(Status.ABORTED.withDescription("replaced by a newer stream of the same client"));
            metrics.clientDisconnected(replaced.client().getKind());
        }
        metrics.clientConnected(request.getClient().getKind());
        log.info("event=config_client_connected client={} kind={} node={} gateway={}/{} version={}",
                request.getClient().getId(), request.getClient().getKind(), request.getClient().getNodeName(),
                request.getClient().getNamespace(), request.getClient().getName(),
                request.getClient().getBuildVersion());
        return stream;
    }

    private void release(ClientStream stream, Status status) {
        if (stream == null) {
            return;
        }
        if (clients.remove(stream.client().getId(), stream)) {
            metrics.clientDisconnected(stream.client().getKind());
            log.info("event=config_client_disconnected client={} status={}", stream.client().getId(), status.getCode());
        }
    }

    private void disconnectSilentClients() {
        long deadline = System.nanoTime() - answerTimeoutNanos;
        for (ClientStream stream : clients.values()) {
            OptionalLong oldest = stream.oldestUnansweredNanos();
            if (oldest.isPresent() && oldest.getAsLong() - deadline < 0) {
                log.warn("event=config_client_silent client={} timeout_ms={}", stream.client().getId(),
                        TimeUnit.NANOSECONDS.toMillis(answerTimeoutNanos));
                stream.close(Status.DEADLINE_EXCEEDED.withDescription("push not answered within "
                        + TimeUnit.NANOSECONDS.toMillis(answerTimeoutNanos) + " ms; reconnect and resume"));
                release(stream, Status.DEADLINE_EXCEEDED);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        pushExecutor.shutdownNow();
        clients.values().forEach(stream -> stream.close(Status.UNAVAILABLE.withDescription("controller shutting down")));
        clients.clear();
    }
}
