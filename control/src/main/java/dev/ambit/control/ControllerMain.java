package dev.ambit.control;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ambit-controller}: see {@code --help} and docs/control.md. */
@Command(name = "ambit-controller", mixinStandardHelpOptions = true, version = "ambit-controller 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Builds mesh config from Kubernetes objects or a directory of the same YAML, streams it to node"
                + " agents and waypoints (gRPC, mTLS) and signs their SPIFFE certificates.")
public final class ControllerMain implements Callable<Integer> {

    static final class Mode {
        @Option(names = "--config-dir", paramLabel = "DIR", required = true,
                description = "Local mode: read Namespaces, Nodes, Pods, Services, EndpointSlices, Gateways,"
                        + " HTTPRoutes and Ambit policies from the *.yaml files under DIR, and watch it for changes.")
        Path configDir;

        @Option(names = "--kubernetes", required = true,
                description = "Kubernetes mode: watch the cluster of the in-cluster or ~/.kube/config credentials.")
        boolean kubernetes;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(names = "--listen-address", paramLabel = "IP", defaultValue = "0.0.0.0",
            description = "Address all listeners bind to (default: ${DEFAULT-VALUE}).")
    InetAddress listenAddress;

    @Option(names = "--config-port", defaultValue = "15010",
            description = "Config stream port, mTLS with node and waypoint identities (default: ${DEFAULT-VALUE}).")
    int configPort;

    @Option(names = "--ca-port", defaultValue = "15012",
            description = "Certificate service port, server TLS plus bearer token (default: ${DEFAULT-VALUE}).")
    int caPort;

    @Option(names = "--metrics-port", defaultValue = "15014",
            description = "HTTP /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--trust-domain", defaultValue = SpiffeId.DEFAULT_TRUST_DOMAIN,
            description = "SPIFFE trust domain of every identity (default: ${DEFAULT-VALUE}).")
    String trustDomain;

    @Option(names = "--cluster-domain", defaultValue = "cluster.local",
            description = "DNS suffix of service hostnames <svc>.<ns>.svc.<domain> (default: ${DEFAULT-VALUE}).")
    String clusterDomain;

    @Option(names = "--root-namespace", defaultValue = WorkloadPolicy.DEFAULT_ROOT_NAMESPACE,
            description = "Namespace the controller runs in; policies there apply mesh-wide; holds the leader"
                    + " Lease (default: ${DEFAULT-VALUE}).")
    String rootNamespace;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "PEM chain of a CA (intermediate first, root last) to sign with; default: a fresh"
                    + " self-signed root on each start.")
    Path caCertificate;

    @Option(names = "--ca-key", paramLabel = "FILE", description = "PEM private key of --ca-cert.")
    Path caKey;

    @Option(names = "--ca-dir", paramLabel = "DIR",
            description = "Without --ca-cert: keep the self-signed CA in DIR (ca.crt, ca.key), created on the first"
                    + " start and reused on later ones, so that a restart keeps the trust root.")
    Path caDirectory;

    @Option(names = "--max-workload-cert-ttl", paramLabel = "DURATION", defaultValue = "PT24H",
            description = "Longest lifetime of a workload certificate the CA signs; workloads renew at half of it"
                    + " (ISO-8601, at least PT1M; default: ${DEFAULT-VALUE}).")
    Duration maxWorkloadCertTtl;

    @Option(names = "--root-cert-out", paramLabel = "FILE",
            description = "Write the trust bundle (root certificates, PEM) here at start, for local clients.")
    Path rootCertificateOut;

    @Option(names = "--bootstrap-tokens", paramLabel = "FILE",
            description = "Local mode: lines '<token> <node-name> [<expiry ISO-8601>]' authenticating CA callers"
                    + " as node agents of that node.")
    Path bootstrapTokens;

    @Option(names = "--token-audience", defaultValue = "ambit",
            description = "Kubernetes mode: audience of the projected tokens CA callers present (default:"
                    + " ${DEFAULT-VALUE}).")
    String tokenAudience;

    @Option(names = "--plaintext",
            description = "Serve gRPC without TLS. For tests on a loopback --listen-address only; refused otherwise.")
    boolean plaintext;

    @Option(names = "--leader-election", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Kubernetes mode: elect a leader (Lease) for waypoint deployment and status writes;"
                    + " --no-leader-election for a single replica (default: ${DEFAULT-VALUE}).")
    boolean leaderElection;

    @Option(names = "--lease-name", defaultValue = "ambit-controller",
            description = "Name of the leader election Lease (default: ${DEFAULT-VALUE}).")
    String leaseName;

    @Option(names = "--lease-duration", defaultValue = "PT15S",
            description = "How long a leader that stopped renewing keeps the Lease, ISO-8601; it renews within two"
                    + " thirds of it (default: ${DEFAULT-VALUE}).")
    Duration leaseDuration;

    @Option(names = "--pod-name", defaultValue = "${env:POD_NAME:-ambit-controller}",
            description = "This replica's identity in the Lease (default: $POD_NAME, else ambit-controller).")
    String podName;

    @Option(names = "--waypoint-image", defaultValue = "ghcr.io/ambit-mesh/waypoint:0.1.0",
            description = "Container image of deployed waypoints (default: ${DEFAULT-VALUE}).")
    String waypointImage;

    @Option(names = "--controller-host", paramLabel = "HOST",
            description = "DNS name of the controller's Service, which deployed waypoints connect to (default:"
                    + " ambit-controller.<root-namespace>.svc).")
    String controllerHost;

    @Option(names = "--answer-timeout", defaultValue = "PT60S",
            description = "Disconnect a client that leaves a push unanswered this long, ISO-8601 (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration answerTimeout;

    @Option(names = TracingSettings.ENDPOINT_FLAG, defaultValue = "",
            description = "OTLP/HTTP collector that deployed waypoints export request spans to, e.g."
                    + " http://otel-collector.observability:4318 (/v1/traces is added to a URL without a path)."
                    + " Empty (the default): tracing off.")
    String tracingEndpoint;

    @Option(names = TracingSettings.SAMPLING_FLAG, defaultValue = "1.0",
            description = "Share of new traces waypoints record, 0 to 1; a request's own sampling decision is kept"
                    + " (default: ${DEFAULT-VALUE}).")
    String tracingSampling;

    @Option(names = "--max-clients", defaultValue = "10000",
            description = "Most config stream clients served at once (default: ${DEFAULT-VALUE}).")
    int maxClients;

    @Option(names = "--graph-scrape-interval", paramLabel = "DURATION", defaultValue = "PT5S",
            description = "How often the service graph (/graph on the metrics port, docs/graph.md) scrapes the"
                    + " tunnels' and waypoints' metrics, ISO-8601; PT0S turns it off (default: ${DEFAULT-VALUE}).")
    Duration graphScrapeInterval;

    @Option(names = "--ingress-service-type", paramLabel = "TYPE", defaultValue = "LoadBalancer",
            description = "Service type of deployed ingress gateways: LoadBalancer, NodePort or ClusterIP; a Gateway's"
                    + " annotation ambit.dev/service-type overrides it (default: ${DEFAULT-VALUE}).")
    String ingressServiceType;

    @Option(names = "--graph-prometheus-url", paramLabel = "URL",
            description = "A Prometheus that scrapes the mesh (e.g. http://prometheus.monitoring:9090): the service"
                    + " graph queries its /api/v1/query every interval instead of scraping the nodes and waypoints.")
    URI graphPrometheusUrl;

    ControllerConfig config() {
        return ControllerConfig.builder()
                .configDir(Optional.ofNullable(mode.configDir))
                .listenAddress(listenAddress)
                .configPort(configPort)
                .caPort(caPort)
                .metricsPort(metricsPort)
                .mesh(new MeshSettings(trustDomain, clusterDomain, rootNamespace))
                .ca(Optional.ofNullable(caCertificate), Optional.ofNullable(caKey))
                .caDirectory(Optional.ofNullable(caDirectory))
                .maxWorkloadCertTtl(maxWorkloadCertTtl)
                .rootCertificateOut(Optional.ofNullable(rootCertificateOut))
                .bootstrapTokens(Optional.ofNullable(bootstrapTokens))
                .tokenAudience(tokenAudience)
                .plaintext(plaintext)
                .leaderElection(leaderElection)
                .leaseName(leaseName)
                .leaseDuration(leaseDuration)
                .podName(podName)
                .waypointImage(waypointImage)
                .controllerHost(Optional.ofNullable(controllerHost))
                .answerTimeout(answerTimeout)
                .maxClients(maxClients)
                .tracing(TracingSettings.parse(tracingEndpoint, tracingSampling))
                .graphScrapeInterval(graphScrapeInterval)
                .ingressServiceType(ingressServiceType)
                .graphPrometheusUrl(Optional.ofNullable(graphPrometheusUrl))
                .build();
    }

    @Override
    public Integer call() throws Exception {
        Controller controller = Controller.start(config());
        // Closing in the hook itself: SIGTERM halts the JVM as soon as the hooks are done.
        Runtime.getRuntime().addShutdownHook(new Thread(controller::close, "ambit-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }

    public static void main(String[] args) {
        NettyProcessDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    /** A failure to start is one line naming the problem (the exceptions' messages carry the fix), not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new ControllerMain())
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    commandLine.getErr().println("controller: " + (exception.getMessage() != null
                            ? exception.getMessage() : exception.toString()));
                    return 1;
                });
    }
}
