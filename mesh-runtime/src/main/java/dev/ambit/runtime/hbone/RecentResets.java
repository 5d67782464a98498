package dev.ambit.runtime.hbone;

/**
 * The streams this end of a connection reset most recently. Frames the peer sent on them before our RST_STREAM
 * reached it may still be on the way, and RFC 9113 §5.1 says to ignore them. Bounded by count, as the RFC allows ("MAY
 * limit the period"); stream ids are never reused on a connection, so an old id can only be forgotten, never mistaken
 * for a new stream. Used on the connection's event loop only.
 */
final class RecentResets {

    private final int[] ids;
    private int next;
    private int size;

    RecentResets(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.ids = new int[capacity];
    }

    /** Remembers {@code streamId}, forgetting the oldest one once full. */
    void add(int streamId) {
        ids[next] = streamId;
        next = (next + 1) % ids.length;
        size = Math.min(size + 1, ids.length);
    }

    /** A linear scan: it only runs for frames on streams the connection no longer knows, and the ring is small. */
    boolean contains(int streamId) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == streamId) {
                return true;
            }
        }
        return false;
    }
}
