package dev.ambit.runtime.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that needs io_uring (with a buffer ring when {@link #socketFastPath()}, as a tunnel on the socket fast path
 * runs it). Skipped with the reason where the kernel, seccomp or the native library rule it out, except under
 * {@code CI=true}, where that is a failure: CI runs on a host that has it, and a skipped test proves nothing. A
 * parameterised test naming transports uses {@link AvailableTransports#require} instead, which follows the same rule.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(IoUringCondition.class)
public @interface RequiresIoUring {

    /** Whether the test needs io_uring as the socket fast path runs it: reading into a buffer ring (Linux 5.19+). */
    boolean socketFastPath() default false;
}
