package dev.ambit.nodeagent.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that needs root, eBPF, cgroup v2, network namespaces and python3. Skipped with the reason
 * where those are missing, except under {@code CI=true}, where a missing privilege is a failure.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrivilegesCondition.class)
public @interface RequiresPrivileges {
}
