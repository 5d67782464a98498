package dev.ambit.bench.l7;

import dev.ambit.bench.topology.BenchTopology;
import dev.ambit.bench.topology.CommandLine;
import dev.ambit.bench.topology.ProcessLifetime;
import dev.ambit.waypoint.Waypoint;
import dev.ambit.waypoint.WaypointSettings;
import dev.ambit.waypoint.inbound.TcpInboundSource;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The waypoint alone, on loopback, next to HAProxy in HTTP mode and the direct path, in one run: how much of the L7
 * gap in bench/RESULTS.md is the waypoint itself rather than the node tunnels and HBONE mTLS around it.
 *
 * <p>Starts the bench backend ({@link HttpBackend}), a waypoint with a plain TCP inbound
 * ({@link TcpInboundSource}, the client identity fixed to the bench client) and plain TCP upstream
 * ({@link TcpUpstreamConnector}) routing by the bench's catch-all route ({@link BenchTopology#waypointConfig}), and
 * HAProxy 2.x in HTTP mode (keep-alive both ways, h2c prior knowledge detected on the plain bind). Backend and
 * waypoint run in their own JVMs with bench/run's mesh flags ({@code -Xmx160m -XX:+UseSerialGC}); the waypoint
 * writes its access log (one JSON line per request, as in production: to standard output, through the mesh's
 * batching appender) to a file unless {@code --access-log off}. Then, for each round and each path in turn (direct,
 * haproxy, waypoint), {@code wrk -t2 -c16 --latency} (HTTP/1.1) and {@code h2load -t2 -c8 -m8} (prior-knowledge
 * h2c), each for {@code --seconds}. Every request names the service in {@code Host}/{@code :authority}, which is how
 * a waypoint with a TCP inbound finds it.
 *
 * <p>Prints a Markdown table of the medians over the rounds: req/s, p50 and p99 latency, the proxy's CPU time per
 * request (user + system, from /proc; the noise-robust figure on a shared host) and each as a ratio to HAProxy's.
 * The paths alternate within a round so that they share whatever else the host is doing.
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar dev.ambit.bench.l7.WaypointLoopback [--seconds 10] [--rounds 3]
 *     [--warm-up-max 60] [--connections 16] [--h2-clients 8] [--h2-streams 8] [--port 21080]
 *     [--only direct,haproxy,waypoint]
 *     [--access-log file|off] [--waypoint-jvm "-XX:StartFlightRecording=filename=/tmp/wp.jfr,settings=profile"]
 *     [--waypoint-transport io_uring|epoll|nio] [--haproxy-log]
 *     [--baseline-jar OTHER-BUILD/bench/target/benchmarks.jar] [--serve] [--profile cpu|alloc] [--keep]
 *     [--json FILE]
 * }</pre>
 *
 * <p>{@code --baseline-jar} adds a path, {@code baseline}: a second waypoint run from another build's benchmarks.jar
 * (one that has this class), so that a change is measured against the code before it in the same run.
 * {@code --haproxy-log} has HAProxy log every request too ({@code option httplog} to its stdout, a file), for a
 * comparison where both proxies log; by default it logs nothing, as in bench/run. {@code --waypoint-transport}
 * picks the waypoint's Netty transport instead of the best available; {@code --waypoint-jvm} adds JVM options
 * (a {@code -Dlogback.configurationFile} there replaces the generated logging configuration).
 *
 * <p>{@code --json FILE} also writes the medians as JSON lines, the rows bench/run's report reads (its "waypoint
 * alone on loopback" table).
 *
 * <p>{@code --profile cpu|alloc}, after the rounds, runs wrk and h2load once more on each waypoint under async-profiler
 * and keeps the flame graphs ({@code waypoint-http1-cpu.html}, {@code waypoint-h2c-cpu.html}, ...) in the work
 * directory, which it keeps.
 *
 * <p>{@code --serve} starts the servers, prints their addresses and waits (Ctrl-C stops them), for ad-hoc load and
 * profiling; {@code --keep} keeps the work directory (configs, logs, access log, wrk/h2load output). Uses ports
 * {@code --port} (backend), +1 (waypoint), +2 (HAProxy) and +3 (baseline) on 127.0.0.1. Needs {@code haproxy},
 * {@code wrk} and {@code h2load} on the PATH. Results and how they were read: bench/RESULTS.md, "Waypoint on
 * loopback".
 */
public final class WaypointLoopback {

    private static final String LOOPBACK = "127.0.0.1";
    private static final List<String> MESH_JVM = List.of("-Xmx160m", "-XX:+UseSerialGC",
            "-XX:+IgnoreUnrecognizedVMOptions", "--enable-native-access=ALL-UNNAMED");
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    /** Warm-up: rounds of this many seconds per tool, until a round's rate is within this share of the last's. */
    private static final int WARM_ROUND_SECONDS = 5;
    private static final double WARM_SETTLED = 0.10;

    private WaypointLoopback() {
    }

    public static void main(String[] argv) throws Exception {
        CommandLine args = new CommandLine(argv);
        if (args.flag("serve-waypoint")) {
            NettyProcessDefaults.apply();
            serveWaypoint(args);
        } else {
            new Run(args).run();
        }
    }

    /** The waypoint process: TCP in on {@code --port}, TCP out to the backend on {@code --backend-port}. */
    private static void serveWaypoint(CommandLine args) throws Exception {
        InetAddress loopback = InetAddress.getByName(LOOPBACK);
        Transport transport = args.optional("transport")
                .map(kind -> Transport.of(Transport.Kind.valueOf(kind.toUpperCase(Locale.ROOT))))
                .orElseGet(Transport::best);
        EventLoopGroup group = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                "loopback-waypoint");
        Waypoint waypoint = new Waypoint(WaypointSettings.defaults(),
                new TcpUpstreamConnector(transport, Duration.ofSeconds(5)), new PrometheusRegistry());
        waypoint.update(BenchTopology.waypointConfig(new InetSocketAddress(loopback, args.integer("backend-port", 0))));
        waypoint.listen(new TcpInboundSource(transport, group, new InetSocketAddress(loopback, args.integer("port", 0)),
                Optional.of(BenchTopology.CLIENT), 10_000));
        ProcessLifetime.readyUntilTerminated("waypoint " + transport, () -> {
            waypoint.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }

    /** One measurement of one path with one tool. */
    private record Sample(double rps, double p50Micros, double p99Micros, double cpuMicrosPerRequest, long errors) {
    }

    private record Server(String name, Process process) {
    }

    private static final class Run {

        private final int seconds;
        private final int rounds;
        private final int warmUpMaxSeconds;
        private final int connections;
        private final int h2Clients;
        private final int h2Streams;
        private final int backendPort;
        private final int waypointPort;
        private final int haproxyPort;
        private final int baselinePort;
        private final Optional<String> baselineJar;
        private final boolean accessLog;
        private final boolean haproxyLog;
        private final List<String> waypointJvm;
        private final Optional<String> waypointTransport;
        private final List<String> paths;
        private final boolean serve;
        private final Optional<String> profile;
        private final Optional<Path> json;
        private final boolean keep;
        private final Path work;
        private final List<Server> servers = new ArrayList<>();
        private boolean cleaned;
        private final Map<String, List<Sample>> h1 = new LinkedHashMap<>();
        private final Map<String, List<Sample>> h2 = new LinkedHashMap<>();

        Run(CommandLine args) throws IOException {
            seconds = args.integer("seconds", 10);
            rounds = args.integer("rounds", 3);
            warmUpMaxSeconds = args.integer("warm-up-max", 60);
            connections = args.integer("connections", 16);
            h2Clients = args.integer("h2-clients", 8);
            h2Streams = args.integer("h2-streams", 8);
            backendPort = args.integer("port", 21080);
            waypointPort = backendPort + 1;
            haproxyPort = backendPort + 2;
            baselinePort = backendPort + 3;
            baselineJar = args.optional("baseline-jar");
            accessLog = !args.optional("access-log").orElse("file").equals("off");
            haproxyLog = args.flag("haproxy-log");
            waypointJvm = args.optional("waypoint-jvm").map(s -> Arrays.asList(s.trim().split("\\s+")))
                    .orElse(List.of());
            waypointTransport = args.optional("waypoint-transport");
            paths = Arrays.asList(args.optional("only").orElse(baselineJar.isPresent()
                    ? "direct,haproxy,baseline,waypoint" : "direct,haproxy,waypoint").split(","));
            serve = args.flag("serve");
            profile = args.optional("profile");
            json = args.optional("json").map(Path::of);
            profile.filter(event -> !List.of("cpu", "alloc").contains(event)).ifPresent(event -> {
                throw new IllegalArgumentException("--profile " + event + ": expected cpu or alloc");
            });
            keep = args.flag("keep") || profile.isPresent();
            work = Files.createTempDirectory("waypoint-loopback");
        }

        void run() throws Exception {
            // Ctrl-C (or SIGTERM) skips the finally below: the hook stops the servers and cleans up.
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndClean, "loopback-stop"));
            try {
                start();
                if (serve) {
                    System.out.printf("backend  http://%s:%d/%nwaypoint http://%s:%d/ (Host: %s)%nhaproxy  "
                            + "http://%s:%d/%nwork directory %s; Ctrl-C stops%n", LOOPBACK, backendPort, LOOPBACK,
                            waypointPort, BenchTopology.SERVICE_HOST, LOOPBACK, haproxyPort, work);
                    Thread.sleep(Long.MAX_VALUE);
                }
                warmUp();
                for (int round = 1; round <= rounds; round++) {
                    for (String path : paths) {
                        h1.computeIfAbsent(path, p -> new ArrayList<>()).add(wrk(path, round, seconds));
                        h2.computeIfAbsent(path, p -> new ArrayList<>()).add(h2load(path, round, seconds));
                    }
                }
                if (profile.isPresent()) {
                    profileWaypoints(profile.get());
                }
                System.out.print(report());
                if (json.isPresent()) {
                    Files.writeString(json.get(), jsonRows());
                }
            } finally {
                stopAndClean();
            }
        }

        /**
         * One more wrk and one more h2load run on each waypoint path, each under async-profiler ({@code event} cpu or
         * alloc, loaded into the warm waypoint with jcmd), written as flame graphs PATH-PROTOCOL-EVENT.html in the
         * work directory. The library is the one the bench build unpacks next to benchmarks.jar.
         */
        private void profileWaypoints(String event) throws Exception {
            Path library = asyncProfilerLibrary();
            for (String path : paths) {
                if (!path.equals("waypoint") && !path.equals("baseline")) {
                    continue;
                }
                for (String protocol : List.of("http1", "h2c")) {
                    long pid = processOf(path).orElseThrow().pid();
                    profiler(pid, library, "start,event=" + event + (event.equals("cpu") ? ",interval=499us" : ""));
                    Sample sample = protocol.equals("http1") ? wrk(path, 0, seconds) : h2load(path, 0, seconds);
                    Path graph = work.resolve(path + "-" + protocol + "-" + event + ".html");
                    profiler(pid, library, "stop,file=" + graph);
                    log(String.format(Locale.ROOT, "profile %s %s: %s, %s", path, protocol, describe(sample), graph));
                }
            }
        }

        private static Path asyncProfilerLibrary() throws IOException {
            String arch = switch (System.getProperty("os.arch")) {
                case "amd64", "x86_64" -> "x64";
                case "aarch64" -> "arm64";
                default -> System.getProperty("os.arch");
            };
            Path jar = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]);
            Path library = jar.toAbsolutePath().getParent().resolve("async-profiler/linux-" + arch
                    + "/libasyncProfiler.so");
            if (!Files.isRegularFile(library)) {
                throw new IOException("no " + library + ": build bench first (mvn -pl bench -am package)");
            }
            return library;
        }

        /** One async-profiler command in a JVM. jcmd reads a bare a=b as its own option, hence the quotes. */
        private void profiler(long pid, Path library, String command) throws Exception {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "JVMTI.agent_load", library.toString(),
                    "\"" + command + "\"").redirectErrorStream(true).start();
            String answer = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS) || !answer.contains("return code: 0")) {
                throw new IllegalStateException("async-profiler in " + pid + ": " + command + ": " + answer.strip());
            }
        }

        private synchronized void stopAndClean() {
            if (cleaned) {
                return;
            }
            cleaned = true;
            stopAll();
            if (!keep) {
                deleteWork();
            } else if (Files.exists(work)) {
                log("work directory kept: " + work);
            }
        }

        // ---- servers

        private void start() throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath = System.getProperty("java.class.path");
            List<String> backend = new ArrayList<>(List.of(java));
            backend.addAll(MESH_JVM);
            backend.addAll(List.of("-cp", classpath, HttpBackend.class.getName(), "--address", LOOPBACK, "--port",
                    Integer.toString(backendPort)));
            startServer("backend", backend);
            if (paths.contains("waypoint")) {
                startWaypoint("waypoint", waypointCommand(java, classpath, logback("waypoint", classpath),
                        waypointPort));
            }
            if (paths.contains("baseline")) {
                String jar = baselineJar.orElseThrow(() ->
                        new IllegalArgumentException("the baseline path needs --baseline-jar"));
                startWaypoint("baseline", waypointCommand(java, jar, logback("baseline", jar), baselinePort));
            }
            if (paths.contains("haproxy")) {
                Path config = work.resolve("haproxy.cfg");
                Files.writeString(config, haproxyConfig());
                startServer("haproxy", List.of("haproxy", "-db", "-f", config.toString()));
            }
            awaitPort(backendPort);
            if (paths.contains("waypoint")) {
                awaitPort(waypointPort);
            }
            if (paths.contains("baseline")) {
                awaitPort(baselinePort);
            }
            if (paths.contains("haproxy")) {
                awaitPort(haproxyPort);
            }
        }

        /** A waypoint process; {@code classpath} may be another build's benchmarks.jar (the baseline). */
        private List<String> waypointCommand(String java, String classpath, Path logback, int port) {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(MESH_JVM);
            command.add("-Dlogback.configurationFile=" + logback);
            command.addAll(waypointJvm); // after it: a -Dlogback.configurationFile here wins
            command.addAll(List.of("-cp", classpath, WaypointLoopback.class.getName(), "--serve-waypoint", "--port",
                    Integer.toString(port), "--backend-port", Integer.toString(backendPort)));
            waypointTransport.ifPresent(kind -> command.addAll(List.of("--transport", kind)));
            return command;
        }

        /**
         * The logging of a waypoint process: events from WARN to standard error, and its access log as the mesh
         * processes write it, to standard output (which goes to a file, see {@link #startWaypoint}): through the
         * batching appender where the build has one, else through logback's console appender, as before it.
         */
        private Path logback(String name, String classpath) throws IOException {
            String accessAppender = hasClass(classpath, "dev/ambit/runtime/logging/BatchedLineAppender.class")
                    ? "dev.ambit.runtime.logging.BatchedLineAppender" : "ch.qos.logback.core.ConsoleAppender";
            Path file = work.resolve(name + "-logback.xml");
            Files.writeString(file, """
                    <configuration>
                      <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                        <target>System.err</target>
                        <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level %%logger{20} %%msg%%n</pattern></encoder>
                      </appender>
                      <appender name="ACCESS" class="%s">
                        <target>System.out</target>
                        <encoder><pattern>%%msg%%n</pattern></encoder>
                      </appender>
                      <logger name="ambit.access" level="%s" additivity="false"><appender-ref ref="ACCESS"/></logger>
                      <logger name="dev.ambit" level="WARN"/>
                      <root level="WARN"><appender-ref ref="STDERR"/></root>
                    </configuration>
                    """.formatted(accessAppender, accessLog ? "INFO" : "OFF"));
            return file;
        }

        /** Whether {@code classpath} (this build's, or another build's benchmarks.jar) has {@code resource}. */
        private static boolean hasClass(String classpath, String resource) throws IOException {
            for (String entry : classpath.split(java.io.File.pathSeparator)) {
                Path path = Path.of(entry);
                if (Files.isDirectory(path) ? Files.exists(path.resolve(resource))
                        : hasEntry(path, resource)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean hasEntry(Path jar, String resource) throws IOException {
            if (!Files.isRegularFile(jar)) {
                return false;
            }
            try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                return file.getEntry(resource) != null;
            }
        }

        private Path accessLogFile(String name) {
            return work.resolve(name + "-access.log");
        }

        /**
         * HTTP mode, keep-alive to the backend, one server; no log, as in bench/run, unless {@code --haproxy-log}:
         * then a line per request ({@code option httplog}) to its stdout, which goes to a file like the waypoint's.
         */
        private String haproxyConfig() {
            return """
                    global
                      maxconn 4000
                    %s
                    defaults
                      mode http
                    %s
                      option http-keep-alive
                      timeout connect 5s
                      timeout client 120s
                      timeout server 120s
                    listen l7
                      bind %s:%d
                      server backend %s:%d
                    """.formatted(haproxyLog ? "  log stdout format raw local0" : "",
                    haproxyLog ? "  log global\n  option httplog" : "", LOOPBACK, haproxyPort, LOOPBACK, backendPort);
        }

        /**
         * A waypoint process: its standard output (the access log) appended to NAME-access.log, so that truncating
         * the file between runs leaves no hole; its standard error to NAME.log.
         */
        private void startWaypoint(String name, List<String> command) throws IOException {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(accessLogFile(name).toFile()))
                    .redirectError(work.resolve(name + ".log").toFile()).start();
            servers.add(new Server(name, process));
        }

        private void startServer(String name, List<String> command) throws IOException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve(name + ".log").toFile()).start();
            servers.add(new Server(name, process));
        }

        private void awaitPort(int port) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (Server server : servers) {
                    if (!server.process().isAlive()) {
                        throw new IllegalStateException(server.name() + " exited; see " + work.resolve(server.name()
                                + ".log") + ":\n" + readQuietly(work.resolve(server.name() + ".log")));
                    }
                }
                try (Socket socket = new Socket(LOOPBACK, port)) {
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            throw new IllegalStateException("nothing listens on " + LOOPBACK + ":" + port + " after 30 s");
        }

        private synchronized void stopAll() {
            for (Server server : servers) {
                server.process().destroy();
            }
            for (Server server : servers) {
                try {
                    if (!server.process().waitFor(10, TimeUnit.SECONDS)) {
                        server.process().destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            servers.clear();
        }

        private Optional<Process> processOf(String path) {
            String name = path.equals("direct") ? "backend" : path;
            return servers.stream().filter(s -> s.name().equals(name)).map(Server::process).findFirst();
        }

        private int portOf(String path) {
            return switch (path) {
                case "direct" -> backendPort;
                case "haproxy" -> haproxyPort;
                case "waypoint" -> waypointPort;
                case "baseline" -> baselinePort;
                default -> throw new IllegalArgumentException("unknown path " + path
                        + "; expected direct, haproxy, waypoint or baseline");
            };
        }

        // ---- load

        /**
         * Warm-up rounds per path, as bench/run's for the waypoint: wrk and h2load for {@code WARM_ROUND_SECONDS}
         * each, until both rates are within {@code WARM_SETTLED} of the round before, at most {@code --warm-up-max}
         * seconds. The waypoint's JIT takes 20-30 s of load to settle on two cores; a fixed 5 s measured its first
         * round half-compiled (bench/RESULTS.md, 2026-12-07).
         */
        private void warmUp() throws Exception {
            for (String path : paths) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUpMaxSeconds);
                Sample lastH1 = null;
                Sample lastH2 = null;
                while (true) {
                    Sample h1 = wrk(path, 0, WARM_ROUND_SECONDS);
                    Sample h2 = h2load(path, 0, WARM_ROUND_SECONDS);
                    if ((settled(h1, lastH1) && settled(h2, lastH2)) || System.nanoTime() > deadline) {
                        break;
                    }
                    lastH1 = h1;
                    lastH2 = h2;
                }
            }
        }

        private static boolean settled(Sample now, Sample before) {
            return before != null && before.rps() > 0
                    && Math.abs(now.rps() - before.rps()) <= WARM_SETTLED * before.rps();
        }

        private Sample wrk(String path, int round, int duration) throws Exception {
            String url = "http://" + LOOPBACK + ":" + portOf(path) + "/";
            long cpu = cpuTicks(path);
            String out = tool(path + "-wrk-" + round, List.of("wrk", "-t2", "-c" + connections, "-d" + duration + "s",
                    "--latency", "-H", "Host: " + BenchTopology.SERVICE_HOST, url));
            cpu = cpuTicks(path) - cpu;
            double rps = number(out, "Requests/sec:\\s*([\\d.]+)");
            double requests = number(out, "(\\d+) requests in");
            long errors = (long) (optionalNumber(out, "Non-2xx or 3xx responses:\\s*(\\d+)").orElse(0.0)
                    + optionalNumber(out, "Socket errors: connect (\\d+)").orElse(0.0)
                    + optionalNumber(out, "read (\\d+), write").orElse(0.0)
                    + optionalNumber(out, "write (\\d+), timeout").orElse(0.0));
            Sample sample = new Sample(rps, wrkPercentile(out, 50), wrkPercentile(out, 99),
                    cpuPerRequest(path, cpu, requests), errors);
            log(String.format(Locale.ROOT, "round %d %-8s wrk    %s", round, path, describe(sample)));
            return sample;
        }

        private Sample h2load(String path, int round, int duration) throws Exception {
            String url = "http://" + LOOPBACK + ":" + portOf(path) + "/";
            Path requestLog = work.resolve(path + "-h2load-" + round + ".requests");
            long cpu = cpuTicks(path);
            String out = tool(path + "-h2load-" + round, List.of("h2load", "-t2", "-c" + h2Clients, "-m" + h2Streams,
                    "-D", Integer.toString(duration), "-H", ":authority: " + BenchTopology.SERVICE_HOST,
                    "--log-file=" + requestLog, url));
            cpu = cpuTicks(path) - cpu;
            double rps = number(out, "finished in [^,]+, ([\\d.]+) req/s");
            double requests = number(out, "requests: \\d+ total, \\d+ started, (\\d+) done");
            long failed = (long) number(out, "requests: .*?(\\d+) failed");
            long[] elapsed = Files.readAllLines(requestLog).stream().map(line -> line.split("\\s+"))
                    .filter(fields -> fields.length >= 3).mapToLong(fields -> Long.parseLong(fields[2])).sorted()
                    .toArray();
            Files.deleteIfExists(requestLog);
            Sample sample = new Sample(rps, nearestRank(elapsed, 50), nearestRank(elapsed, 99),
                    cpuPerRequest(path, cpu, requests), failed);
            log(String.format(Locale.ROOT, "round %d %-8s h2load %s", round, path, describe(sample)));
            return sample;
        }

        private String tool(String name, List<String> command) throws Exception {
            Path output = work.resolve(name + ".txt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not finish");
            }
            truncateAccessLog();
            return Files.readString(output);
        }

        /** The access log is written but not kept: a 10 s run at tens of thousands of req/s is gigabytes. */
        private void truncateAccessLog() throws IOException {
            for (String name : List.of("waypoint", "baseline")) {
                if (Files.exists(accessLogFile(name))) {
                    Files.newOutputStream(accessLogFile(name), java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)
                            .close();
                }
            }
        }

        /** User + system time of the path's proxy (the backend for the direct path), in clock ticks. */
        private long cpuTicks(String path) {
            Optional<Process> process = processOf(path);
            if (process.isEmpty()) {
                return 0;
            }
            String stat = readQuietly(Path.of("/proc", Long.toString(process.get().pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }

        private double cpuPerRequest(String path, long ticks, double requests) {
            return requests == 0 ? Double.NaN : ticks * 1e6 / CLOCK_TICKS_PER_SECOND / requests;
        }

        // ---- report

        private String report() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%n%d cores, %d round(s) of %d s, medians; CPU is the proxy's "
                    + "(the backend's on the direct path)%n%n", Runtime.getRuntime().availableProcessors(), rounds,
                    seconds));
            out.append("| path | req/s | p50 µs | p99 µs | CPU µs/req | req/s ÷ haproxy | p50 ÷ haproxy "
                    + "| p99 ÷ haproxy | CPU/req ÷ haproxy | errors |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            table(out, "HTTP/1.1 (wrk -c" + connections + ")", h1);
            table(out, "h2c (h2load -c" + h2Clients + " -m" + h2Streams + ")", h2);
            return out.toString();
        }

        /**
         * One JSON line per path and protocol, medians, as bench/run's report takes its rows: section
         * {@code loopback}, names {@code PATH, HTTP/1.1 (wrk)} and {@code PATH, HTTP/2 (h2load)}.
         */
        private String jsonRows() {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, Map<String, List<Sample>>> protocol : List.of(Map.entry("HTTP/1.1 (wrk)", h1),
                    Map.entry("HTTP/2 (h2load)", h2))) {
                for (Map.Entry<String, List<Sample>> path : protocol.getValue().entrySet()) {
                    Sample m = median(path.getValue());
                    long errors = path.getValue().stream().mapToLong(Sample::errors).sum();
                    out.append(String.format(Locale.ROOT, "{\"section\": \"loopback\", \"name\": \"%s, %s\", "
                            + "\"rps\": %s, \"p50_us\": %s, \"p99_us\": %s, \"cpu_us_per_request\": %s, "
                            + "\"errors\": %d, \"rounds\": %d}%n", path.getKey(), protocol.getKey(),
                            jsonNumber(m.rps(), 0), jsonNumber(m.p50Micros(), 0), jsonNumber(m.p99Micros(), 0),
                            jsonNumber(m.cpuMicrosPerRequest(), 1), errors, rounds));
                }
            }
            return out.toString();
        }

        /** A figure a tool did not give (NaN) is null. */
        private static String jsonNumber(double value, int decimals) {
            return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%." + decimals + "f", value);
        }

        private void table(StringBuilder out, String tool, Map<String, List<Sample>> samples) {
            Sample reference = samples.containsKey("haproxy") ? median(samples.get("haproxy")) : null;
            for (Map.Entry<String, List<Sample>> path : samples.entrySet()) {
                Sample m = median(path.getValue());
                long errors = path.getValue().stream().mapToLong(Sample::errors).sum();
                out.append(String.format(Locale.ROOT, "| %s, %s | %,.0f | %,.0f | %,.0f | %.1f | %s | %s | %s | %s | %d |%n",
                        path.getKey(), tool, m.rps(), m.p50Micros(), m.p99Micros(), m.cpuMicrosPerRequest(),
                        ratio(m.rps(), reference == null ? Double.NaN : reference.rps()),
                        ratio(m.p50Micros(), reference == null ? Double.NaN : reference.p50Micros()),
                        ratio(m.p99Micros(), reference == null ? Double.NaN : reference.p99Micros()),
                        path.getKey().equals("direct") ? "–" : ratio(m.cpuMicrosPerRequest(),
                                reference == null ? Double.NaN : reference.cpuMicrosPerRequest()),
                        errors));
            }
        }

        private static Sample median(List<Sample> samples) {
            return new Sample(median(samples, Sample::rps), median(samples, Sample::p50Micros),
                    median(samples, Sample::p99Micros), median(samples, Sample::cpuMicrosPerRequest), 0);
        }

        private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> field) {
            double[] values = samples.stream().mapToDouble(field).sorted().toArray();
            int middle = values.length / 2;
            return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
        }

        private static String ratio(double value, double reference) {
            return Double.isNaN(value) || Double.isNaN(reference) || reference == 0 ? "–"
                    : String.format(Locale.ROOT, "%.2f×", value / reference);
        }

        private static String describe(Sample s) {
            return String.format(Locale.ROOT, "%,9.0f req/s  p50 %,7.0f µs  p99 %,8.0f µs  cpu %6.1f µs/req%s",
                    s.rps(), s.p50Micros(), s.p99Micros(), s.cpuMicrosPerRequest(),
                    s.errors() > 0 ? "  errors " + s.errors() : "");
        }

        private static double wrkPercentile(String out, int percent) {
            Matcher m = Pattern.compile("^\\s*" + percent + "%\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
                    .matcher(out);
            if (!m.find()) {
                return Double.NaN;
            }
            double scale = switch (m.group(2)) {
                case "us" -> 1;
                case "ms" -> 1e3;
                default -> 1e6;
            };
            return Double.parseDouble(m.group(1)) * scale;
        }

        private static double nearestRank(long[] sorted, int percent) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.max(1, Math.ceil(sorted.length * percent / 100.0));
            return sorted[rank - 1];
        }

        private static double number(String text, String regex) {
            return optionalNumber(text, regex).orElseThrow(() -> new IllegalStateException(
                    "no match for " + regex + " in:\n" + text));
        }

        private static Optional<Double> optionalNumber(String text, String regex) {
            Matcher m = Pattern.compile(regex).matcher(text);
            return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
        }

        private static String readQuietly(Path path) {
            try {
                return Files.readString(path);
            } catch (IOException e) {
                return "";
            }
        }

        private void deleteWork() {
            if (!Files.exists(work)) {
                return;
            }
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void log(String line) {
            System.err.println(line);
        }
    }
}
