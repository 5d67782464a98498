package dev.ambit.api.model.workload;

/** Whether a workload's traffic is captured into the mesh. */
public enum DataplaneMode {
    /** Captured by the node's eBPF programs and carried over HBONE by the node tunnel. */
    AMBIENT,
    /** Left alone: plaintext, no identity; still known so that others can address it. */
    NONE
}
