package dev.ambit.nodeagent.redirect;

/** How an enrolled pod treats inbound plaintext; kernel values are the C side's AMBIT_MODE_*. */
public enum PodMode {
    /** Plaintext from anywhere is accepted. */
    PERMISSIVE(0),
    /** New TCP connections are accepted only from the node tunnel. */
    STRICT(1);

    private final int kernelValue;

    PodMode(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    int kernelValue() {
        return kernelValue;
    }

    static PodMode ofKernelValue(int value) {
        for (PodMode mode : values()) {
            if (mode.kernelValue == value) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown pod mode " + value + " in the enrolled map");
    }
}
