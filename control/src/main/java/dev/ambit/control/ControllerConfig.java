package dev.ambit.control;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.control.ca.MeshCa;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.waypoint.WaypointDeploymentSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the controller is started with; {@link ControllerMain} documents each as a flag. {@link #builder()}
 * starts from the flags' defaults.
 *
 * @param configDir    local mode: the YAML directory; empty means Kubernetes mode
 * @param plaintext    serve gRPC without TLS; refused unless {@code listenAddress} is a loopback address
 * @param leaseDuration how long a silent leader keeps the Lease
 * @param controllerHost where deployed waypoints reach the controller (its Service's DNS name)
 * @param tracing      the mesh's span collector and sampling, handed to every waypoint deployed (docs/tracing.md)
 * @param graphScrapeInterval how often the service graph scrapes the tunnels and waypoints; zero turns it off
 * @param graphPrometheusUrl a Prometheus the graph queries instead of scraping (docs/graph.md); empty: scrape
 * @param ingressServiceType the Service type of deployed ingress gateways (docs/ingress.md)
 */
public record ControllerConfig(
        Optional<Path> configDir,
        InetAddress listenAddress,
        int configPort,
        int caPort,
        int metricsPort,
        MeshSettings mesh,
        Optional<Path> caCertificate,
        Optional<Path> caKey,
        Optional<Path> caDirectory,
        Duration maxWorkloadCertTtl,
        Optional<Path> rootCertificateOut,
        Optional<Path> bootstrapTokens,
        String tokenAudience,
        boolean plaintext,
        boolean leaderElection,
        String leaseName,
        Duration leaseDuration,
        String podName,
        String waypointImage,
        String controllerHost,
        Duration answerTimeout,
        int maxClients,
        TracingSettings tracing,
        Duration graphScrapeInterval,
        Optional<URI> graphPrometheusUrl,
        String ingressServiceType) {

    public ControllerConfig {
        if (!WaypointDeploymentSettings.SERVICE_TYPES.contains(ingressServiceType)) {
            throw new IllegalArgumentException("--ingress-service-type " + ingressServiceType
                    + " is not one of LoadBalancer, NodePort, ClusterIP");
        }
        if (plaintext && !listenAddress.isLoopbackAddress()) {
            throw new IllegalArgumentException("--plaintext is for loopback tests only; listen address "
                    + listenAddress.getHostAddress() + " is not a loopback address");
        }
        if (caCertificate.isPresent() != caKey.isPresent()) {
            throw new IllegalArgumentException("--ca-cert and --ca-key go together");
        }
        if (caCertificate.isPresent() && caDirectory.isPresent()) {
            throw new IllegalArgumentException("--ca-dir keeps a self-signed CA; with --ca-cert and --ca-key there is"
                    + " none to keep: give one or the other");
        }
        if (graphScrapeInterval.isNegative() || (!graphScrapeInterval.isZero()
                && graphScrapeInterval.compareTo(MIN_GRAPH_SCRAPE_INTERVAL) < 0)) {
            throw new IllegalArgumentException("--graph-scrape-interval " + graphScrapeInterval
                    + " must be zero (no graph) or at least " + MIN_GRAPH_SCRAPE_INTERVAL);
        }
        graphPrometheusUrl.ifPresent(url -> {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                    || url.getQuery() != null) {
                throw new IllegalArgumentException("--graph-prometheus-url " + url
                        + " must be an http(s) URL of Prometheus, e.g. http://prometheus.monitoring:9090");
            }
        });
        if (maxWorkloadCertTtl.compareTo(MeshCa.MIN_LEAF_TTL) < 0) {
            throw new IllegalArgumentException("--max-workload-cert-ttl " + maxWorkloadCertTtl
                    + " is shorter than the shortest certificate the CA issues, " + MeshCa.MIN_LEAF_TTL);
        }
    }

    /** Shorter rounds would scrape every node more often than Prometheus usually does. */
    public static final Duration MIN_GRAPH_SCRAPE_INTERVAL = Duration.ofSeconds(1);

    /** 0.0.0.0, the {@code --listen-address} default. */
    private static final InetAddress ANY_IPV4 = anyIpv4();

    private static InetAddress anyIpv4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are an IPv4 address", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings one at a time, each starting at its flag's default (Kubernetes mode). */
    public static final class Builder {

        private Optional<Path> configDir = Optional.empty();
        private InetAddress listenAddress = ANY_IPV4;
        private int configPort = 15010;
        private int caPort = 15012;
        private int metricsPort = 15014;
        private MeshSettings mesh = new MeshSettings(SpiffeId.DEFAULT_TRUST_DOMAIN, "cluster.local",
                WorkloadPolicy.DEFAULT_ROOT_NAMESPACE);
        private Optional<Path> caCertificate = Optional.empty();
        private Optional<Path> caKey = Optional.empty();
        private Optional<Path> caDirectory = Optional.empty();
        private Duration maxWorkloadCertTtl = MeshCa.DEFAULT_MAX_LEAF_TTL;
        private Optional<Path> rootCertificateOut = Optional.empty();
        private Optional<Path> bootstrapTokens = Optional.empty();
        private String tokenAudience = "ambit";
        private boolean plaintext;
        private boolean leaderElection = true;
        private String leaseName = "ambit-controller";
        private Duration leaseDuration = Duration.ofSeconds(15);
        private String podName = "ambit-controller";
        private TracingSettings tracing = TracingSettings.OFF;
        private String waypointImage = "ghcr.io/ambit-mesh/waypoint:0.1.0";
        /** Empty: {@code ambit-controller.<root namespace>.svc}. */
        private Optional<String> controllerHost = Optional.empty();
        private Duration answerTimeout = Duration.ofSeconds(60);
        private int maxClients = 10_000;
        private Duration graphScrapeInterval = Duration.ofSeconds(5);
        private Optional<URI> graphPrometheusUrl = Optional.empty();
        private String ingressServiceType = "LoadBalancer";

        private Builder() {
        }

        /** Local mode, reading {@code dir}; empty for Kubernetes mode. */
        public Builder configDir(Optional<Path> dir) {
            this.configDir = dir;
            return this;
        }

        public Builder listenAddress(InetAddress address) {
            this.listenAddress = address;
            return this;
        }

        public Builder configPort(int port) {
            this.configPort = port;
            return this;
        }

        public Builder caPort(int port) {
            this.caPort = port;
            return this;
        }

        public Builder metricsPort(int port) {
            this.metricsPort = port;
            return this;
        }

        public Builder mesh(MeshSettings settings) {
            this.mesh = settings;
            return this;
        }

        /** Sign with this CA ({@code chain}, {@code key}) instead of a fresh self-signed root. */
        public Builder ca(Optional<Path> chain, Optional<Path> key) {
            this.caCertificate = chain;
            this.caKey = key;
            return this;
        }

        /** Keep the self-signed CA here (created on first start, reused after) rather than a new one each start. */
        public Builder caDirectory(Optional<Path> directory) {
            this.caDirectory = directory;
            return this;
        }

        /** The longest certificate the CA signs; workloads asking for longer get this, and renew at half of it. */
        public Builder maxWorkloadCertTtl(Duration ttl) {
            this.maxWorkloadCertTtl = ttl;
            return this;
        }

        public Builder rootCertificateOut(Optional<Path> file) {
            this.rootCertificateOut = file;
            return this;
        }

        public Builder bootstrapTokens(Optional<Path> file) {
            this.bootstrapTokens = file;
            return this;
        }

        public Builder tokenAudience(String audience) {
            this.tokenAudience = audience;
            return this;
        }

        public Builder plaintext(boolean plaintext) {
            this.plaintext = plaintext;
            return this;
        }

        public Builder leaderElection(boolean elect) {
            this.leaderElection = elect;
            return this;
        }

        public Builder leaseName(String name) {
            this.leaseName = name;
            return this;
        }

        public Builder leaseDuration(Duration duration) {
            this.leaseDuration = duration;
            return this;
        }

        public Builder podName(String name) {
            this.podName = name;
            return this;
        }

        public Builder waypointImage(String image) {
            this.waypointImage = image;
            return this;
        }

        /** Where deployed waypoints reach the controller; empty for {@code ambit-controller.<root namespace>.svc}. */
        public Builder controllerHost(Optional<String> host) {
            this.controllerHost = host;
            return this;
        }

        public Builder answerTimeout(Duration timeout) {
            this.answerTimeout = timeout;
            return this;
        }

        public Builder maxClients(int clients) {
            this.maxClients = clients;
            return this;
        }

        public Builder tracing(TracingSettings settings) {
            this.tracing = settings;
            return this;
        }

        /** How often the service graph scrapes; zero turns the graph off. */
        public Builder graphScrapeInterval(Duration interval) {
            this.graphScrapeInterval = interval;
            return this;
        }

        /** A Prometheus the graph queries instead of scraping the endpoints; empty: scrape them. */
        public Builder graphPrometheusUrl(Optional<URI> url) {
            this.graphPrometheusUrl = url;
            return this;
        }

        /** {@code LoadBalancer}, {@code NodePort} or {@code ClusterIP}. */
        public Builder ingressServiceType(String type) {
            this.ingressServiceType = type;
            return this;
        }

        public ControllerConfig build() {
            return new ControllerConfig(configDir, listenAddress, configPort, caPort, metricsPort, mesh,
                    caCertificate, caKey, caDirectory, maxWorkloadCertTtl, rootCertificateOut, bootstrapTokens, tokenAudience, plaintext,
                    leaderElection, leaseName, leaseDuration, podName, waypointImage,
                    controllerHost.orElse("ambit-controller." + mesh.rootNamespace() + ".svc"), answerTimeout,
                    maxClients, tracing, graphScrapeInterval, graphPrometheusUrl, ingressServiceType);
        }
    }
}
