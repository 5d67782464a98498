package dev.ambit.local.apps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * <p>Output: {@code versions=v1:101,v2:99 statuses=200:200 failures=0 p50_ms=3 p99_ms=9 max_ms=12}
 */
public final class RequestClient {

    private static final Pattern VERSION = Pattern.compile("version: (\\S+?),");
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
            } catch (IOException | RuntimeException e) {
                failures++;
                lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        latencies.sort(null);
        System.out.println("versions=" + join(versions) + " statuses=" + join(statuses) + " failures=" + failures
                + " p50_ms=" + percentile(latencies, 50) + " p99_ms=" + percentile(latencies, 99)
                + " max_ms=" + percentile(latencies, 100)
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

    private static String exchange(URI url, String request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: '" + response.lines().findFirst().orElse("") + "'");
            }
            return response;
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
