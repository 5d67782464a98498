package dev.ambit.control.ca;

import dev.ambit.api.identity.SpiffeId;

/**
 * An authenticated certificate requester: the node it runs on and its own identity. It may be issued its own
 * identity and that of any pod on its node, as a node agent serves all of them.
 *
 * @param subject who the token belongs to, for logs, e.g. {@code system:serviceaccount:ambit-system:ambit-node-agent}
 */
public record Caller(String node, SpiffeId identity, String subject) {
}
