package dev.ambit.host.preflight;

/** One preflight requirement: met or not, what was found, and how to fix it when it is not. */
public record CheckResult(String requirement, boolean passed, String detail, String fix) {

    static CheckResult pass(String requirement, String detail) {
        return new CheckResult(requirement, true, detail, "");
    }

    static CheckResult fail(String requirement, String detail, String fix) {
        return new CheckResult(requirement, false, detail, fix);
    }

    /** {@code ✓ kernel: 6.18.44 (>= 5.10)} or {@code ✗ bpffs: ... — fix: ...}. */
    public String line() {
        return passed
                ? "✓ " + requirement + ": " + detail
                : "✗ " + requirement + ": " + detail + " — fix: " + fix;
    }
}
