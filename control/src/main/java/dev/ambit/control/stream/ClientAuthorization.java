package dev.ambit.control.stream;

import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.model.MeshSettings;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Optional;

/**
 * Who may open which stream: a node agent presents the node agent identity, a waypoint (or an ingress gateway,
 * which streams as one) the identity of its Gateway's ServiceAccount, so one cannot read another's config. Without mTLS (loopback tests only)
 * there is no peer identity and every client is taken at its word.
 */
final class ClientAuthorization {

    private final MeshSettings settings;

    ClientAuthorization(MeshSettings settings) {
        this.settings = settings;
    }

    ClientScope authorize(ClientInfo client, Optional<SpiffeId> peer) throws StatusException {
        if (client.getId().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("the first request must carry client.id").asException();
        }
        return switch (client.getKind()) {
            case NODE_AGENT -> {
                require(!client.getNodeName().isEmpty(), "a node agent must send client.node_name");
                expect(peer, settings.nodeAgentIdentity());
                yield new NodeScope(client.getNodeName(), settings.rootNamespace());
            }
            case WAYPOINT -> {
                require(!client.getNamespace().isEmpty() && !client.getName().isEmpty(),
                        "a waypoint must send client.namespace and client.name (its Gateway)");
                NamespacedName gateway = NamespacedName.of(client.getNamespace(), client.getName());
                expect(peer, settings.waypointIdentity(gateway));
                yield new WaypointScope(gateway, settings.hostname(gateway), settings.rootNamespace());
            }
            default -> throw Status.INVALID_ARGUMENT.withDescription("client.kind must be NODE_AGENT or WAYPOINT")
                    .asException();
        };
    }

    private static void require(boolean valid, String problem) throws StatusException {
        if (!valid) {
            throw Status.INVALID_ARGUMENT.withDescription(problem).asException();
        }
    }

    private static void expect(Optional<SpiffeId> peer, SpiffeId expected) throws StatusException {
        if (peer.isPresent() && !peer.get().equals(expected)) {
            throw Status.PERMISSION_DENIED.withDescription("peer " + peer.get() + " may not stream config as "
                    + expected).asException();
        }
    }
}
