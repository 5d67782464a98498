package dev.ambit.runtime.hbone;

/**
 * Decides what happens to each CONNECT an {@link HboneServer} receives: the node tunnel authorizes and connects to a
 * local pod, a waypoint routes. Called on the stream's event loop; must not block, and must eventually
 * {@link HboneStream#accept() accept} or {@link HboneStream#reject reject} the stream.
 */
@FunctionalInterface
public interface HboneStreamAcceptor {

    void accept(HboneStream stream);
}
