package dev.ambit.control.stream;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.config.v1.ConfigDiscoveryServiceGrpc;
import dev.ambit.api.config.v1.ConfigRequest;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.api.config.v1.Resource;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A config stream client as a node agent runs it: subscribes, applies each push to its state and ACKs it, or
 * NACKs it (keeping its state) when a resource matches {@link #rejectWhen}. Records every push with its arrival
 * time. A stalled client never asks gRPC for messages, as a client whose reader is stuck.
 */
public final class TestConfigClient implements AutoCloseable {

    public record Push(ConfigResponse response, long receivedNanos) {
    }

    /** What the client answered to {@code push}: an ACK, or a NACK when {@code nacked}. */
    public record Answer(ConfigResponse push, boolean nacked) {
    }

    private final ClientInfo info;
    private final Map<ResourceType, Map<String, Resource>> state = new ConcurrentHashMap<>();
    private final List<Push> pushes = new CopyOnWriteArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final boolean stalled;
    private volatile ClientCallStreamObserver<ConfigRequest> requests;
    private volatile Predicate<Resource> rejectWhen = resource -> false;
    private volatile Status closedWith;
    private volatile boolean muted;
    private boolean first = true;

    public TestConfigClient(Channel channel, ClientInfo info, boolean stalled) {
        this.info = info;
        this.stalled = stalled;
        ConfigDiscoveryServiceGrpc.newStub(channel).streamConfig(new ClientResponseObserver<ConfigRequest, ConfigResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ConfigRequest> stream) {
                requests = stream;
                if (stalled) {
                    stream.disableAutoRequestWithInitial(0);
                }
            }

            @Override
            public void onNext(ConfigResponse response) {
                pushes.add(new Push(response, System.nanoTime()));
                answer(response);
            }

            @Override
            public void onError(Throwable error) {
                closedWith = Status.fromThrowable(error);
            }

            @Override
            public void onCompleted() {
                closedWith = Status.OK;
            }
        });
    }

    public static TestConfigClient node(Channel channel, String id, String node) {
        return new TestConfigClient(channel, ClientInfo.newBuilder().setId(id).setKind(ClientInfo.Kind.NODE_AGENT)
                .setNodeName(node).build(), false);
    }

    public TestConfigClient subscribe(ResourceType type, Map<String, String> initialVersions) {
        ConfigRequest.Builder request = ConfigRequest.newBuilder().setTypeUrl(type.typeUrl())
                .putAllInitialResourceVersions(initialVersions);
        synchronized (this) {
            if (first) {
                request.setClient(info);
                first = false;
            }
            state.computeIfAbsent(type, any -> new ConcurrentHashMap<>());
            requests.onNext(request.build());
        }
        return this;
    }

    public TestConfigClient subscribe(ResourceType... types) {
        for (ResourceType type : types) {
            subscribe(type, Map.of());
        }
        return this;
    }

    public void rejectWhen(Predicate<Resource> rejectWhen) {
        this.rejectWhen = rejectWhen;
    }

    /** Stops answering pushes, as a client whose config handling hangs. */
    public void mute() {
        muted = true;
    }

    public Map<String, Resource> state(ResourceType type) {
        return Map.copyOf(state.getOrDefault(type, Map.of()));
    }

    public Map<String, String> versions(ResourceType type) {
        Map<String, String> versions = new ConcurrentHashMap<>();
        state(type).forEach((name, resource) -> versions.put(name, resource.getVersion()));
        return versions;
    }

    public List<Push> pushes() {
        return List.copyOf(pushes);
    }

    /** Every answer sent, in order; none while {@link #mute muted}. */
    public List<Answer> answers() {
        return List.copyOf(answers);
    }

    /** Waits until the answers sent satisfy {@code condition}; fails the test after {@code timeout}. */
    public void awaitAnswers(Predicate<List<Answer>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(answers())) {
            if (System.nanoTime() > deadline) {
                fail("client " + info.getId() + ": answers not as expected within " + timeout + ": " + answers().size()
                        + " answers, closed with " + closedWith);
            }
            Thread.sleep(5);
        }
    }

    public Status closedWith() {
        return closedWith;
    }

    /** Waits until the state of {@code type} satisfies {@code condition}; fails the test after {@code timeout}. */
    public void await(ResourceType type, Predicate<Map<String, Resource>> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(state(type))) {
            if (System.nanoTime() > deadline) {
                fail("client " + info.getId() + ": " + type.kind() + " state not as expected within " + timeout + ": "
                        + state(type).keySet() + ", closed with " + closedWith);
            }
            Thread.sleep(5);
        }
    }

    /** Lets a stalled client read {@code messages} more pushes. */
    public void read(int messages) {
        requests.request(messages);
    }

    private synchronized void answer(ConfigResponse response) {
        ResourceType type = ResourceType.fromTypeUrl(response.getTypeUrl()).orElseThrow();
        ConfigRequest.Builder answer = ConfigRequest.newBuilder().setTypeUrl(response.getTypeUrl())
                .setResponseNonce(response.getNonce());
        var rejected = response.getResourcesList().stream().filter(rejectWhen).findFirst();
        if (rejected.isPresent()) {
            answer.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3)
                    .setMessage("Workload " + rejected.get().getName() + ": refused by test"));
        } else {
            Map<String, Resource> held = state.computeIfAbsent(type, any -> new ConcurrentHashMap<>());
            response.getRemovedResourcesList().forEach(held::remove);
            response.getResourcesList().forEach(resource -> held.put(resource.getName(), resource));
        }
        if (!muted) {
            requests.onNext(answer.build());
            answers.add(new Answer(response, rejected.isPresent()));
        }
    }

    @Override
    public void close() {
        if (closedWith == null) {
            requests.onCompleted();
        }
    }
}
