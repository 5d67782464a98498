package dev.ambit.bench.control;

import dev.ambit.control.ca.MeshCa;
import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.bench.topology.CommandLine;
import dev.ambit.control.ca.BearerTokenInterceptor;
import dev.ambit.control.ca.Caller;
import dev.ambit.control.ca.CertificateAuthorityService;
import dev.ambit.control.metrics.ControlMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Certificate issuances per second: straight into {@link MeshCa#issue} (the signing cost), and through the CA gRPC
 * service on loopback with bearer-token authentication (what node agents see). Requests are pre-generated: key
 * generation and CSR signing are the client's work. Prints one JSON line per way.
 *
 * <p>{@code CaIssuance [--seconds 5] [--threads 4]}
 */
public final class CaIssuance {

    private static final SpiffeId IDENTITY = SpiffeId.of("cluster.local", "bench", "client");
    private static final Duration TTL = Duration.ofHours(1);
    private static final int DISTINCT_REQUESTS = 64;
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    private CaIssuance() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = new CommandLine(argv);
        Duration duration = Duration.ofSeconds(args.integer("seconds", 5));
        int threads = args.integer("threads", 4);
        MeshCa ca = MeshCa.selfSigned("cluster.local");
        List<String> csrs = new ArrayList<>();
        for (int i = 0; i < DISTINCT_REQUESTS; i++) {
            csrs.add(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), IDENTITY));
        }
        report("CA issuance, MeshCa in-process", threads,
                rate(threads, duration, i -> ca.issue(csrs.get(i % csrs.size()), IDENTITY, TTL)));

        CertificateAuthorityService service = new CertificateAuthorityService(ca,
                token -> new Caller("node-a", IDENTITY, "bench"),
                () -> {
                    throw new IllegalStateException("bench callers only ask for their own identity");
                },
                new ControlMetrics(new PrometheusRegistry()), SpiffeId.of("cluster.local", "ambit-system",
                        "ambit-node-agent"));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(service, new BearerTokenInterceptor())).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Metadata token = new Metadata();
        token.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer bench");
        CertificateServiceGrpc.CertificateServiceBlockingStub stub = CertificateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token));
        report("CA issuance, gRPC service", threads, rate(threads, duration, i -> stub.createCertificate(
                CreateCertificateRequest.newBuilder().setCsr(csrs.get(i % csrs.size())).build())));
        channel.shutdownNow();
        server.shutdownNow();
    }

    /** Operations per second after a one-second warm-up, so that the JIT's first compilations are not counted. */
    private static double rate(int threads, Duration duration, IntConsumer operation) throws Exception {
        timedRate(threads, WARM_UP, operation);
        return timedRate(threads, duration, operation);
    }

    /** Operations per second of {@code threads} threads calling {@code operation} for {@code duration}. */
    private static double timedRate(int threads, Duration duration, IntConsumer operation) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Future<Long>> counts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            counts.add(pool.submit(() -> {
                long done = 0;
                while (System.nanoTime() < deadline) {
                    operation.accept((int) done);
                    done++;
                }
                return done;
            }));
        }
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        pool.shutdown();
        return total / ((System.nanoTime() - start) / 1e9);
    }

    private static void report(String name, int threads, double perSecond) {
        System.out.printf("{\"name\":\"%s\",\"threads\":%d,\"issuances_per_s\":%.1f}%n", name, threads, perSecond);
    }
}
