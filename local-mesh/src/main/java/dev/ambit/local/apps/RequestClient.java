package dev.ambit.local.apps;

import java.io.IOException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends {@code count} sequential requests from inside a simulated pod and prints one summary line: how many answers
 * came from each hello version, the status codes, the failures and the latency percentiles. The demo parses it.
 *
 * <p>Usage: {@code RequestClient <url> <count> [timeout_ms=N] [stop_file=PATH] [header:value ...]} (default timeout
 * 10 s). With {@code stop_file}, it stops early once that file exists (a test's "enough"), and prints
 * {@code event=requests_started} first.
 *
 * <p>Output: {@code versions=v1:101,v2:99 statuses=200:200 failures=0 p50_ms=3 p99_ms=9 max_ms=12
 * failure_kinds=- rbac=-}, then {@code last_failure="..."} if a request failed. {@code failure_kinds} says why
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
    private static final int DEFAULT_TIMEOUT_MILLIS = 10_000;
    private static final String TIMEOUT_OPTION = "timeout_ms=";
    private static final String STOP_FILE_OPTION = "stop_file=";

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
        for (String arg : List.of(args).subList(2, args.length)) {
            if (arg.startsWith(TIMEOUT_OPTION)) {
                timeoutMillis = Integer.parseInt(arg.substring(TIMEOUT_OPTION.length()));
            } else if (arg.startsWith(STOP_FILE_OPTION)) {
                stopFile = Path.of(arg.substring(STOP_FILE_OPTION.length()));
                System.out.println("event=requests_started");
            } else {
                headers.add(arg);
            }
        }
        String request = request(url, headers);
        Map<String, Integer> versions = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> failureKinds = new TreeMap<>();
        Map<String, Integer> rbac = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        int failures = 0;
        String lastFailure = "";
        for (int i = 0; i < count && (stopFile == null || !Files.exists(stopFile)); i++) {
            long start = System.nanoTime();
            try {
                String response = exchange(url, request, timeoutMillis);
                latencies.add((System.nanoTime() - start) / 1_000_000);
                statuses.merge(Integer.parseInt(response.substring(9, 12)), 1, Integer::sum);
                Matcher version = VERSION.matcher(response);
                if (version.find()) {
                    versions.merge(version.group(1), 1, Integer::sum);
                }
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
                + (failures > 0 ? " last_failure=\"" + lastFailure.replace('"', '\'') + "\"" : ""));
    }

    /** One HTTP/1.1 request on a new connection, closed after the response: each request crosses the mesh anew. */
    private static String request(URI url, List<String> headers) {
        StringBuilder request = new StringBuilder("GET ").append(url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                .append(" HTTP/1.1\r\nHost: ").append(url.getHost()).append("\r\nConnection: close\r\n");
        for (String header : headers) {
            int colon = header.indexOf(':');
            request.append(header, 0, colon).append(": ").append(header.substring(colon + 1)).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static String exchange(URI url, String request, int timeoutMillis) throws Failure {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), timeoutMillis);
            } catch (IOException | RuntimeException e) {
                throw new Failure(connectFailure(e), e);
            }
            socket.setSoTimeout(timeoutMillis);
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
