package dev.ambit.control.graph;

import dev.ambit.runtime.http.MetricsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The graph's pages under {@value #PREFIX} on the controller's monitoring port: the page itself, its script and
 * style, cytoscape from its WebJar, and the JSON API. Everything is ready-made bytes: the page's files are read from
 * the class path once, the graph is the scraper's last round.
 */
public final class GraphPages {

    public static final String PREFIX = "/graph";
    public static final String API_PATH = PREFIX + "/api/graph";
    /** The cytoscape the WebJar on the class path carries (control/pom.xml); the page loads it from here. */
    static final String CYTOSCAPE_PATH = PREFIX + "/lib/cytoscape.min.js";
    /** The version of {@code org.webjars.npm:cytoscape} in control/pom.xml: its files live under it. */
    public static final String CYTOSCAPE_VERSION = "3.33.1";
    private static final Map<String, String[]> FILES = Map.of(
            PREFIX + "/", new String[] {"graph/index.html", "text/html; charset=utf-8"},
            PREFIX + "/index.html", new String[] {"graph/index.html", "text/html; charset=utf-8"},
            PREFIX + "/graph.js", new String[] {"graph/graph.js", "text/javascript; charset=utf-8"},
            PREFIX + "/graph.css", new String[] {"graph/graph.css", "text/css; charset=utf-8"});

    private final Supplier<byte[]> graphJson;
    private final Map<String, MetricsServer.Page> cache = new ConcurrentHashMap<>();

    public GraphPages(Supplier<byte[]> graphJson) {
        this.graphJson = graphJson;
    }

    public MetricsServer.Pages pages() {
        return new MetricsServer.Pages(PREFIX, this::render);
    }

    Optional<MetricsServer.Page> render(String path) {
        if (path.equals(API_PATH)) {
            return Optional.of(new MetricsServer.Page("application/json", graphJson.get()));
        }
        if (path.equals(PREFIX)) {
            return render(PREFIX + "/");
        }
        if (path.equals(CYTOSCAPE_PATH)) {
            return Optional.of(cache.computeIfAbsent(path, any -> new MetricsServer.Page(
                    "text/javascript; charset=utf-8", resource("META-INF/resources/webjars/cytoscape/"
                            + CYTOSCAPE_VERSION + "/dist/cytoscape.min.js"))));
        }
        String[] file = FILES.get(path);
        if (file == null) {
            return Optional.empty();
        }
        return Optional.of(cache.computeIfAbsent(path, any -> new MetricsServer.Page(file[1], resource(file[0]))));
    }

    private static byte[] resource(String name) {
        try (InputStream in = GraphPages.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
