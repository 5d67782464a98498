package dev.ambit.waypoint.jwt;

import dev.ambit.api.model.policy.JwtRule;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The key sets of all issuers, kept across config updates so that an update does not refetch every JWKS. Responses
 * are read and parsed on one background thread, never on an event loop; the HTTP client delivers bytes on its own
 * threads, since a blocking read on the thread that must deliver them would wait forever.
 */
public final class JwksCache implements AutoCloseable {

    private final JwtSettings settings;
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(new DefaultThreadFactory("ambit-jwks", true));
    private final HttpClient client;
    private final Map<URI, RemoteJwks> remote = new ConcurrentHashMap<>();

    public JwksCache(JwtSettings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.jwksFetchTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public JwtSettings settings() {
        return settings;
    }

    JwksSource source(JwtRule rule) {
        if (rule.jwks().isPresent()) {
            return new InlineJwks(rule.jwks().get());
        }
        return remote.computeIfAbsent(rule.jwksUri().orElseThrow(),
                uri -> new RemoteJwks(uri, client, executor, settings, System::nanoTime));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
