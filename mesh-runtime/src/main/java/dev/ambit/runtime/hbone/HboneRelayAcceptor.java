package dev.ambit.runtime.hbone;

/**
 * Decides what happens to each CONNECT an {@link HboneServer} receives when the server only relays bytes, as the node
 * tunnel does: authorize, connect to the pod, then {@link RelayedStream#relay relay} or {@link RelayedStream#reject
 * reject}. Called on the stream's event loop; must not block, and must eventually do one or the other.
 */
@FunctionalInterface
public interface HboneRelayAcceptor {

    void accept(RelayedStream stream);
}
