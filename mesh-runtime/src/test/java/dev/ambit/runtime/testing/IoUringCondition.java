package dev.ambit.runtime.testing;

import dev.ambit.runtime.transport.Transport;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Evaluates {@link RequiresIoUring}: enabled where io_uring is available, else skipped, or failed under CI=true. */
final class IoUringCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean socketFastPath = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, RequiresIoUring.class))
                .map(RequiresIoUring::socketFastPath)
                .orElse(false);
        return AvailableTransports.missing(Transport.Kind.IO_URING, socketFastPath)
                .map(missing -> {
                    MissingCapability.failUnderCi(missing);
                    return ConditionEvaluationResult.disabled(missing + " (under CI=true this fails)");
                })
                .orElseGet(() -> ConditionEvaluationResult.enabled("io_uring is available"));
    }
}
