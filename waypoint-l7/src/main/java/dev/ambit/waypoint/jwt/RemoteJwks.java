package dev.ambit.waypoint.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys fetched from a JWKS URI and cached for {@link JwtSettings#jwksRefresh()}. While a fetch is in flight, callers
 * share it; when it fails, the last good keys stay in use. A token signed with an unknown key triggers a refetch at
 * most every {@link JwtSettings#jwksMinRefresh()}: that is how key rotation is picked up.
 */
final class RemoteJwks implements JwksSource {

    private static final Logger log = LoggerFactory.getLogger(RemoteJwks.class);

    private final URI uri;
    private final HttpClient client;
    private final Executor executor;
    private final JwtSettings settings;
    private final LongSupplier nanoClock;
    private JWKSet cached;
    private long fetchedAtNanos;
    private CompletableFuture<JWKSet> inFlight;

    RemoteJwks(URI uri, HttpClient client, Executor executor, JwtSettings settings, LongSupplier nanoClock) {
        this.uri = uri;
        this.client = client;
        this.executor = executor;
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized CompletableFuture<JWKSet> keys() {
        if (cached != null && nanoClock.getAsLong() - fetchedAtNanos < settings.jwksRefresh().toNanos()) {
            return CompletableFuture.completedFuture(cached);
        }
        return fetch();
    }

    @Override
    public synchronized CompletableFuture<JWKSet> refreshForUnknownKey() {
        if (cached != null && nanoClock.getAsLong() - fetchedAtNanos < settings.jwksMinRefresh().toNanos()) {
            return CompletableFuture.completedFuture(cached);
        }
        return fetch();
    }

    private CompletableFuture<JWKSet> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.jwksFetchTimeout()).GET().build();
        CompletableFuture<JWKSet> fetch = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(this::parse, executor);
        CompletableFuture<JWKSet> result = fetch.handle((keys, error) -> completed(keys, error));
        // A fetch that had already finished ran completed() here, on this thread (the lock is reentrant), and
        // cleared inFlight before this line: keeping its result as "in flight" would answer every later fetch
        // with it, and the keys would never be fetched again. Any other thread's completed() waits for the lock.
        inFlight = result.isDone() ? null : result;
        return result;
    }

    private synchronized JWKSet completed(JWKSet keys, Throwable error) {
        inFlight = null;
        if (error != null) {
            log.warn("event=jwks_fetch_failed uri={} error=\"{}\" keeping_cached={}", uri, error.getMessage(),
                    cached != null);
            if (cached == null) {
                throw new IllegalStateException("JWKS could not be fetched from " + uri, error);
            }
            return cached;
        }
        cached = keys;
        fetchedAtNanos = nanoClock.getAsLong();
        log.info("event=jwks_fetched uri={} keys={}", uri, keys.size());
        return keys;
    }

    private JWKSet parse(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("JWKS endpoint answered " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(settings.maxJwksBytes() + 1);
            if (bytes.length > settings.maxJwksBytes()) {
                throw new IllegalStateException("JWKS is larger than " + settings.maxJwksBytes() + " bytes");
            }
            return JWKSet.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("JWKS is unreadable: " + e.getMessage(), e);
        }
    }
}
