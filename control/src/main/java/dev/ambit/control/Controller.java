package dev.ambit.control;

import dev.ambit.control.ca.CaDirectory;
import dev.ambit.control.ca.MeshCa;
import dev.ambit.api.identity.Pem;
import dev.ambit.control.ca.AuthenticationException;
import dev.ambit.control.ca.BearerTokenInterceptor;
import dev.ambit.control.ca.BootstrapTokens;
import dev.ambit.control.ca.CertificateAuthorityService;
import dev.ambit.control.ca.NodeAuthenticator;
import dev.ambit.control.ca.RootCertPublisher;
import dev.ambit.control.ca.TokenReviewAuthenticator;
import dev.ambit.control.graph.GraphPages;
import dev.ambit.control.graph.GraphScraper;
import dev.ambit.control.leader.LeaderElection;
import dev.ambit.control.leader.LeaderGate;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.metrics.HealthServer;
import dev.ambit.control.model.MeshModel;
import dev.ambit.control.server.GrpcServers;
import dev.ambit.control.source.file.FileConfigErrors;
import dev.ambit.control.source.file.FileSource;
import dev.ambit.control.source.kube.KubeConfigErrors;
import dev.ambit.control.source.kube.KubeSource;
import dev.ambit.control.stream.ConfigDiscoveryService;
import dev.ambit.control.tls.ControllerCertificate;
import dev.ambit.control.tls.PeerIdentityInterceptor;
import dev.ambit.control.tls.ServerTls;
import dev.ambit.control.waypoint.WaypointDeployer;
import dev.ambit.control.waypoint.WaypointDeploymentSettings;
import dev.ambit.runtime.http.MetricsServer;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.startup.StartupTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.Server;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running controller: sources, model, config stream, CA and, in Kubernetes, the leader's waypoint deployer and
 * trust bundle publisher.
 */
public final class Controller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    private static final Duration FILE_RESCAN = Duration.ofSeconds(2);
    private static final Duration KUBE_SYNC_TIMEOUT = Duration.ofSeconds(60);
    private static final int GRPC_THREADS = 8;
    private static final int PUSH_THREADS = 2;

    /** What the controller opened, closed in reverse: servers before the model they serve, the client last. */
    private final ResourceStack resources;
    private final MeshModel model;
    private final ControlMetrics metrics;
    private final Server configServer;
    private final Server caServer;
    private final HealthServer health;
    private final ConfigDiscoveryService configService;

    private Controller(ControllerConfig config, KubernetesClient client, ResourceStack resources)
            throws IOException {
        this.resources = resources;
        metrics = new ControlMetrics(new PrometheusRegistry());
        MeshCa ca = config.caCertificate().isPresent()
                ? MeshCa.fromFiles(config.mesh().trustDomain(), config.caCertificate().get(), config.caKey().get(),
                        config.maxWorkloadCertTtl())
                : config.caDirectory().isPresent()
                        ? CaDirectory.loadOrCreate(config.caDirectory().get(), config.mesh().trustDomain(),
                                config.maxWorkloadCertTtl())
                        : MeshCa.selfSigned(config.mesh().trustDomain(), MeshCa.DEFAULT_ROOT_TTL,
                                config.maxWorkloadCertTtl(), Clock.systemUTC());
        if (config.rootCertificateOut().isPresent()) {
            writeRoots(ca, config);
        }
        NodeAuthenticator authenticator;
        if (config.configDir().isPresent()) {
            FileSource files = new FileSource(config.configDir().get(), FILE_RESCAN);
            model = own(new MeshModel(config.mesh(), new FileConfigErrors(files, metrics), Set.of(FileSource.NAME)));
            authenticator = config.bootstrapTokens().isPresent()
                    ? BootstrapTokens.read(config.bootstrapTokens().get(), config.mesh().nodeAgentIdentity(),
                            Clock.systemUTC())
                    : token -> {
                        throw new AuthenticationException("no --bootstrap-tokens file is configured");
                    };
            files.start(model);
            own(files);
        } else {
            String rootNamespace = config.mesh().rootNamespace();
            RootCertPublisher roots = own(new RootCertPublisher(client, rootNamespace,
                    Pem.encode(ca.trustBundle().roots())));
            WaypointDeployer deployer = own(new WaypointDeployer(client, new WaypointDeploymentSettings(config.waypointImage(),
                    config.controllerHost(), config.configPort(), config.caPort(), config.tokenAudience(), config.tracing(),
                    config.ingressServiceType()),
                    config.mesh(), metrics));
            Runnable lead = () -> {
                metrics.leading(true);
                deployer.start();
                roots.start();
            };
            Runnable follow = () -> {
                metrics.leading(false);
                deployer.stop();
                roots.stop();
            };
            LeaderElection election = config.leaderElection()
                    ? own(new LeaderElection(client, rootNamespace, config.leaseName(), config.podName(),
                            config.leaseDuration(), lead, follow))
                    : null;
            LeaderGate leader = election != null ? election : LeaderGate.ALWAYS;
            model = own(new MeshModel(config.mesh(), own(new KubeConfigErrors(client, leader, metrics)),
                    Set.of(KubeSource.NAME)));
            authenticator = new TokenReviewAuthenticator(client, config.tokenAudience(), config.mesh().trustDomain(),
                    model::current);
            own(new KubeSource(client)).start(model, KUBE_SYNC_TIMEOUT);
            if (election != null) {
                election.start();
            } else {
                lead.run();
            }
        }
        configService = own(new ConfigDiscoveryService(model, config.mesh(), metrics, config.maxClients(),
                config.answerTimeout(), PUSH_THREADS));
        ExecutorService grpcExecutor = Executors.newFixedThreadPool(GRPC_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "ambit-grpc");
            thread.setDaemon(true);
            return thread;
        });
        own(grpcExecutor::shutdownNow);
        ControllerCertificate certificate = own(new ControllerCertificate(ca, config.mesh().controllerIdentity()));
        configServer = GrpcServers.start(new InetSocketAddress(config.listenAddress(), config.configPort()),
                config.plaintext() ? null : ServerTls.mutual(certificate, ca.trustBundle()), grpcExecutor,
                configService, List.of(new PeerIdentityInterceptor()));
        own(() -> stop(configServer));
        caServer = GrpcServers.start(new InetSocketAddress(config.listenAddress(), config.caPort()),
                config.plaintext() ? null : ServerTls.serverOnly(certificate), grpcExecutor,
                new CertificateAuthorityService(ca, authenticator, model::current, metrics,
                        config.mesh().nodeAgentIdentity()),
                List.of(new BearerTokenInterceptor()));
        own(() -> stop(caServer));
        List<MetricsServer.Pages> pages = List.of();
        if (!config.graphScrapeInterval().isZero()) {
            GraphScraper graph = own(GraphScraper.start(model::current, config.mesh().rootNamespace(),
                    config.graphScrapeInterval(), config.graphPrometheusUrl()));
            pages = List.of(new GraphPages(graph::graphJson).pages());
        }
        health = own(HealthServer.start(new InetSocketAddress(config.listenAddress(), config.metricsPort()),
                metrics.registry(), model::isReady, pages));
        log.info("event=controller_started mode={} config_port={} ca_port={} metrics_port={} tls={} trust_domain={}"
                        + " startup_ms={}", config.configDir().isPresent() ? "file" : "kubernetes", configPort(),
                caPort(), metricsPort(), !config.plaintext(), config.mesh().trustDomain(), StartupTime.millis());
    }

    /**
     * Starts everything; on failure, closes what was started. Kubernetes mode uses the in-cluster or
     * {@code ~/.kube/config} credentials.
     */
    public static Controller start(ControllerConfig config) throws IOException {
        return ResourceStack.openAll(opened -> new Controller(config,
                config.configDir().isEmpty() ? opened.push(new KubernetesClientBuilder().build()) : null, opened));
    }

    /** Kubernetes mode with the caller's client, which stays open when the controller closes. */
    public static Controller start(ControllerConfig config, KubernetesClient client) throws IOException {
        if (config.configDir().isPresent()) {
            throw new IllegalArgumentException("a Kubernetes client needs Kubernetes mode, not --config-dir");
        }
        return ResourceStack.openAll(opened -> new Controller(config, client, opened));
    }

    public MeshModel model() {
        return model;
    }

    public ControlMetrics metrics() {
        return metrics;
    }

    public ConfigDiscoveryService configService() {
        return configService;
    }

    public int configPort() {
        return configServer.getPort();
    }

    public int caPort() {
        return caServer.getPort();
    }

    public int metricsPort() {
        return health.port();
    }

    private <T extends AutoCloseable> T own(T resource) {
        return resources.push(resource);
    }

    private static void writeRoots(MeshCa ca, ControllerConfig config) throws IOException {
        var target = config.rootCertificateOut().get();
        var temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, Pem.encode(ca.trustBundle().roots()));
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.info("event=trust_bundle_written file={}", target);
    }

    private static void stop(Server server) throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }

    @Override
    public void close() {
        resources.close();
        log.info("event=controller_stopped");
    }
}
