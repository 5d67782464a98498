package dev.ambit.control.model;

/** Told of every published snapshot, on the model thread: must return quickly. */
@FunctionalInterface
public interface SnapshotListener {

    void onSnapshot(ConfigSnapshot snapshot);
}
