package dev.ambit.api.mesh;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a mesh's waypoints send their request spans, and how many traces they start. One value per mesh: the
 * controller takes it as flags ({@value #ENDPOINT_FLAG}, {@value #SAMPLING_FLAG}) and hands the same flags to every
 * waypoint it deploys, so that both parse them here and refuse the same bad values with the same words.
 *
 * @param endpoint the collector's OTLP/HTTP traces URL ({@code http://collector:4318/v1/traces}); empty when tracing is
 *                 off, the default
 * @param sampling the share of new traces (requests that arrive without a sampling decision) that are recorded, 0..1;
 *                 a decision that arrives with the request is kept, so that one trace is never half recorded
 */
public record TracingSettings(Optional<URI> endpoint, double sampling) {

    public static final String ENDPOINT_FLAG = "--tracing-endpoint";
    public static final String SAMPLING_FLAG = "--tracing-sampling";
    /** The OTLP/HTTP path for spans, added to an endpoint given without a path. */
    public static final String TRACES_PATH = "/v1/traces";
    public static final double DEFAULT_SAMPLING = 1.0;
    public static final TracingSettings OFF = new TracingSettings(Optional.empty(), DEFAULT_SAMPLING);

    public TracingSettings {
        if (!(sampling >= 0 && sampling <= 1)) {
            throw new IllegalArgumentException("tracing sampling must be between 0 and 1, got " + sampling);
        }
    }

    public boolean enabled() {
        return endpoint.isPresent();
    }

    /**
     * Parses the two flags' values.
     *
     * @param endpoint empty or blank for tracing off; else an {@code http} or {@code https} URL with a host
     * @param sampling empty for {@value #DEFAULT_SAMPLING}; else a decimal number from 0 to 1
     * @throws IllegalArgumentException naming the flag and what is wrong with its value
     */
    public static TracingSettings parse(String endpoint, String sampling) {
        double rate = DEFAULT_SAMPLING;
        if (sampling != null && !sampling.isBlank()) {
            try {
                rate = Double.parseDouble(sampling.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SAMPLING_FLAG + " must be a number from 0 to 1, got '" + sampling
                        + "'");
            }
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(SAMPLING_FLAG + " must be a number from 0 to 1, got '" + sampling
                        + "'");
            }
        }
        if (endpoint == null || endpoint.isBlank()) {
            return new TracingSettings(Optional.empty(), rate);
        }
        return new TracingSettings(Optional.of(parseEndpoint(endpoint.trim())), rate);
    }

    private static URI parseEndpoint(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT_FLAG + " is not a URL: '" + endpoint + "' (" + e.getReason()
                    + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(ENDPOINT_FLAG + " must be an http:// or https:// URL of an OTLP/HTTP "
                    + "collector, got '" + endpoint + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(ENDPOINT_FLAG + " has no host: '" + endpoint + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(ENDPOINT_FLAG + " must not carry user info, a query or a fragment: '"
                    + endpoint + "'");
        }
        if (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")) {
            uri = uri.resolve(TRACES_PATH);
        }
        return uri;
    }

    /** The flags that give a process these settings: none when tracing is off. */
    public List<String> toFlags() {
        List<String> flags = new ArrayList<>(2);
        endpoint.ifPresent(uri -> {
            flags.add(ENDPOINT_FLAG + "=" + uri);
            flags.add(SAMPLING_FLAG + "=" + sampling);
        });
        return flags;
    }
}
