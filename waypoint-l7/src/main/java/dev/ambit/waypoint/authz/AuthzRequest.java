package dev.ambit.waypoint.authz;

import dev.ambit.api.identity.SpiffeId;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes an L7 authorization decision may look at.
 *
 * @param peer        the mTLS identity of the connection, empty for plaintext
 * @param sourceIp    the address the connection came from
 * @param host        the request's host without port
 * @param path        the normalized path without query
 * @param ports       the destination's service port and target port (either may match an operation's ports)
 * @param claims      the verified JWT's claims, empty without a token
 */
public record AuthzRequest(
        Optional<SpiffeId> peer,
        String sourceIp,
        String destinationIp,
        List<Integer> ports,
        String method,
        String host,
        String path,
        HttpHeaders headers,
        Map<String, Object> claims) {
}
