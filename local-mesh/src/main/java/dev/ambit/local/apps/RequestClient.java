package dev.ambit.local.apps;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends {@code count} sequential requests from inside a simulated pod and prints one summary line: how many answers
 * came from each hello version, the status codes, the failures and the latency percentiles. The demo parses it.
 *
 * <p>Usage: {@code RequestClient <url> <count> [timeout_ms=N] [stop_file=PATH] [header:value ...]} (default timeout
 * 10 s). With {@code stop_file}, it stops early once that file exists (a test's "enough"), and prints
 * {@code event=requests_started} first. An {@code https} URL needs {@code tls_trust=PEM} (the only certificates
 * trusted) and takes {@code tls_name=NAME}, sent as SNI and {@code Host} and checked against the served certificate
 * (default: the URL's host); the summary then counts the served certificates by the first 16 hex digits of their
 * SHA-256 fingerprint, {@code certificates=9f2c...:10} (a failed handshake is a failure of kind {@code tls}).
 *
 * <p>Output: {@code versions=v1:101,v2:99 statuses=200:200 failures=0 p50_ms=3 p99_ms=9 max_ms=12
 * failure_kinds=- rbac=- served_on=ipv4:150,ipv6:50}, then {@code last_failure="..."} if a request failed.
 * {@code served_on} counts the responses by the address family of the hello server's {@code x-served-on} header
 * (the address its connection arrived on: the last hop's family), {@code -} when none had it; read it with
 * {@link #servedOn(String)}. {@code failure_kinds} says why
 * requests got no response ({@code connect_timeout}: the SYN went unanswered, as when the kernel drops it;
 * {@code refused}, {@code unreachable}, {@code reset}, {@code read_timeout}, {@code no_response}, {@code other});
 * {@code rbac} counts the 403s whose body is a waypoint's {@code RBAC: access denied: ...} by the policy it names
 * ({@code no_allow_match} when no ALLOW policy matched). {@code dev.ambit.testbed.RequestSummary} parses the line;
 * this class uses JDK classes only (the kind tests' samples image runs it).
 */
public final class RequestClient {

    private static final Pattern VERSION = Pattern.compile("version: (\\S+?),");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] \\d{3}[ \r]");
    private static final Pattern RBAC_DENIAL = Pattern.compile(
            "\r\n\r\nRBAC: access denied: (?:denied by policy (\\S+)|(no ALLOW policy matched))");
    private static final Pattern SERVED_ON = Pattern.compile("\r\nx-served-on: *([^\r\n]+)",
            Pattern.CASE_INSENSITIVE);
    private static final String SERVED_ON_FIELD = "served_on=";
    public static final String IPV4 = "ipv4";
    public static final String IPV6 = "ipv6";
    private static final int DEFAULT_TIMEOUT_MILLIS = 10_000;
    private static final String TIMEOUT_OPTION = "timeout_ms=";
    private static final String STOP_FILE_OPTION = "stop_file=";
    private static final String TLS_NAME_OPTION = "tls_name=";
    private static final String TLS_TRUST_OPTION = "tls_trust=";

    private RequestClient() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: RequestClient <url> <count> [timeout_ms=N] [header:value ...]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int count = Integer.parseInt(args[1]);
        List<String> headers = new ArrayList<>();
        int timeoutMillis = DEFAULT_TIMEOUT_MILLIS;
        Path stopFile = null;
        String tlsName = url.getHost();
        Path tlsTrust = null;
        for (String arg : List.of(args).subList(2, args.length)) {
            if (arg.startsWith(TLS_NAME_OPTION)) {
                tlsName = arg.substring(TLS_NAME_OPTION.length());
            } else if (arg.startsWith(TLS_TRUST_OPTION)) {
                tlsTrust = Path.of(arg.substring(TLS_TRUST_OPTION.length()));
            } else if (arg.startsWith(TIMEOUT_OPTION)) {
                timeoutMillis = Integer.parseInt(arg.substring(TIMEOUT_OPTION.length()));
            } else if (arg.startsWith(STOP_FILE_OPTION)) {
                stopFile = Path.of(arg.substring(STOP_FILE_OPTION.length()));
                System.out.println("event=requests_started");
            } else {
                headers.add(arg);
            }
        }
        Tls tls = "https".equals(url.getScheme()) ? Tls.trusting(tlsTrust, tlsName) : null;
        String request = request(url, tls == null ? url.getHost() : tlsName, headers);
        Map<String, Integer> certificates = new TreeMap<>();
        Map<String, Integer> versions = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> failureKinds = new TreeMap<>();
        Map<String, Integer> rbac = new TreeMap<>();
        Map<String, Integer> servedOn = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        int failures = 0;
        String lastFailure = "";
        for (int i = 0; i < count && (stopFile == null || !Files.exists(stopFile)); i++) {
            long start = System.nanoTime();
            try {
                String response = exchange(url, request, timeoutMillis, tls, certificates);
                latencies.add((System.nanoTime() - start) / 1_000_000);
                statuses.merge(Integer.parseInt(response.substring(9, 12)), 1, Integer::sum);
                Matcher version = VERSION.matcher(response);
                if (version.find()) {
                    versions.merge(version.group(1), 1, Integer::sum);
                }
                servedOnFamily(response).ifPresent(family -> servedOn.merge(family, 1, Integer::sum));
                Matcher denial = RBAC_DENIAL.matcher(response);
                if (response.startsWith(" 403", 8) && denial.find()) {
                    rbac.merge(denial.group(1) != null ? denial.group(1) : "no_allow_match", 1, Integer::sum);
                }
            } catch (Failure e) {
                failures++;
                failureKinds.merge(e.kind, 1, Integer::sum);
                lastFailure = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            }
        }
        latencies.sort(null);
        System.out.println("versions=" + join(versions) + " statuses=" + join(statuses) + " failures=" + failures
                + " p50_ms=" + percentile(latencies, 50) + " p99_ms=" + percentile(latencies, 99)
                + " max_ms=" + percentile(latencies, 100)
                + " failure_kinds=" + join(failureKinds) + " rbac=" + join(rbac)
                + " " + SERVED_ON_FIELD + join(servedOn)
                + (tls != null ? " certificates=" + join(certificates) : "")
                + (failures > 0 ? " last_failure=\"" + lastFailure.replace('"', '\'') + "\"" : ""));
    }

    /** {@value #IPV4} or {@value #IPV6}: the family of the response's {@code x-served-on} address, if it has one. */
    static java.util.Optional<String> servedOnFamily(String response) {
        int headEnd = response.indexOf("\r\n\r\n");
        Matcher servedOn = SERVED_ON.matcher(headEnd < 0 ? response : response.substring(0, headEnd + 2));
        return servedOn.find()
                ? java.util.Optional.of(servedOn.group(1).strip().contains(":") ? IPV6 : IPV4)
                : java.util.Optional.empty();
    }

    /**
     * A summary line's {@code served_on} counts: responses by the family ({@value #IPV4}, {@value #IPV6}) of the
     * address they were served on; empty when no response said (or the line has no such field).
     */
    public static Map<String, Integer> servedOn(String summaryLine) {
        Map<String, Integer> counts = new TreeMap<>();
        String line = summaryLine.strip().lines().reduce((first, second) -> second).orElse("");
        for (String field : line.split(" ")) {
            if (field.startsWith(SERVED_ON_FIELD) && !field.equals(SERVED_ON_FIELD + "-")) {
                for (String entry : field.substring(SERVED_ON_FIELD.length()).split(",")) {
                    int colon = entry.lastIndexOf(':');
                    counts.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
                }
            }
        }
        return counts;
    }

    /** One HTTP/1.1 request on a new connection, closed after the response: each request crosses the mesh anew. */
    private static String request(URI url, String host, List<String> headers) {
        StringBuilder request = new StringBuilder("GET ").append(url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\nConnection: close\r\n");
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.append(header, 0, colon).append(": ").append(header.substring(colon + 1)).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static String exchange(URI url, String request, int timeoutMillis, Tls tls,
            Map<String, Integer> certificates) throws Failure {
        int port = url.getPort() > 0 ? url.getPort() : tls != null ? 443 : 80;
        try (Socket plain = new Socket()) {
            try {
                plain.connect(new InetSocketAddress(url.getHost(), port), timeoutMillis);
            } catch (IOException | RuntimeException e) {
                throw new Failure(connectFailure(e), e);
            }
            plain.setSoTimeout(timeoutMillis);
            Socket socket = plain;
            if (tls != null) {
                SSLSocket secure = tls.wrap(plain, port);
                try {
                    secure.startHandshake();
                } catch (IOException e) {
                    throw new Failure("tls", e);
                }
                certificates.merge(tls.fingerprint(secure), 1, Integer::sum);
                socket = secure;
            }
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!STATUS_LINE.matcher(response).lookingAt()) {
                throw new Failure("no_response",
                        new IOException("not an HTTP response: '" + response.lines().findFirst().orElse("") + "'"));
            }
            return response;
        } catch (SocketTimeoutException e) {
            throw new Failure("read_timeout", e);
        } catch (SocketException e) {
            throw new Failure(e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "other", e);
        } catch (IOException | RuntimeException e) {
            throw new Failure("other", e);
        }
    }

    /** TLS to a server trusting only the certificates of one PEM file, with an SNI name checked as HTTPS does. */
    private record Tls(SSLSocketFactory factory, String name) {

        static Tls trusting(Path pem, String name) {
            if (pem == null) {
                throw new IllegalArgumentException("an https URL needs " + TLS_TRUST_OPTION + "PEM");
            }
            try (InputStream in = Files.newInputStream(pem)) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int i = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("trusted-" + i++, certificate);
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return new Tls(context.getSocketFactory(), name);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot trust " + pem + ": " + e.getMessage(), e);
            }
        }

        SSLSocket wrap(Socket plain, int port) throws Failure {
            try {
                SSLSocket secure = (SSLSocket) factory.createSocket(plain, name, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(name)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                return secure;
            } catch (IOException e) {
                throw new Failure("tls", e);
            }
        }

        String fingerprint(SSLSocket secure) throws Failure {
            try {
                byte[] leaf = secure.getSession().getPeerCertificates()[0].getEncoded();
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf)).substring(0, 16);
            } catch (IOException | GeneralSecurityException e) {
                throw new Failure("tls", e);
            }
        }
    }

    /** Why connect() failed: a timeout is a SYN nobody answered (e.g. dropped by the kernel on the way in). */
    private static String connectFailure(Exception e) {
        if (e instanceof SocketTimeoutException) {
            return "connect_timeout";
        }
        if (e instanceof NoRouteToHostException) {
            return "unreachable";
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof ConnectException && message.contains("refused")) {
            return "refused";
        }
        if (e instanceof ConnectException && message.contains("unreachable")) {
            return "unreachable";
        }
        return message.contains("reset") ? "reset" : "other";
    }

    /** A request that got no response, and the kind of failure the summary counts it as. */
    private static final class Failure extends Exception {

        private final String kind;

        Failure(String kind, Exception cause) {
            super(kind, cause, false, false);
            this.kind = kind;
        }
    }

    private static String join(Map<?, Integer> counts) {
        StringBuilder out = new StringBuilder();
        counts.forEach((key, value) -> out.append(out.length() == 0 ? "" : ",").append(key).append(':').append(value));
        return out.length() == 0 ? "-" : out.toString();
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
