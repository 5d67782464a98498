package dev.ambit.runtime.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when the machine lacks what it needs (root, network namespaces, io_uring): it is skipped with the
 * reason, except under {@code CI=true}, where it fails. CI runs where everything is available, and a skipped test
 * proves nothing.
 */
public final class MissingCapability {

    private MissingCapability() {
    }

    /** Whether {@code CI=true}: a missing capability fails the test instead of skipping it. */
    public static boolean underCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips the calling test because of {@code missing} ("needs ..."), or fails it under {@code CI=true}. */
    public static void skipOrFail(String missing) {
        failUnderCi(missing);
        Assumptions.abort(missing + " (under CI=true this fails)");
    }

    /** Fails under {@code CI=true} because of {@code missing}; elsewhere returns, and the caller skips. */
    public static void failUnderCi(String missing) {
        if (underCi()) {
            throw new IllegalStateException("CI=true and this test cannot run: " + missing);
        }
    }
}
