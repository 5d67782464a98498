package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.util.OptionalInt;

/**
 * Answers {@link #percentage} of requests itself, with an HTTP status or, for gRPC, a gRPC status; exactly one
 * is set.
 */
public record FaultAbort(double percentage, OptionalInt httpStatus, OptionalInt grpcStatus) {

    public FaultAbort {
        FieldValidator v = FieldValidator.of("FaultAbort");
        v.percentage("percentage", percentage);
        httpStatus = v.optional(httpStatus);
        grpcStatus = v.optional(grpcStatus);
        v.check(httpStatus.isPresent() != grpcStatus.isPresent(), "httpStatus",
                "exactly one of httpStatus and grpcStatus must be set");
        httpStatus.ifPresent(status -> v.range("httpStatus", status, 200, 599));
        grpcStatus.ifPresent(status -> v.range("grpcStatus", status, 1, 16));
    }

    public static FaultAbort http(double percentage, int status) {
        return new FaultAbort(percentage, OptionalInt.of(status), OptionalInt.empty());
    }

    public static FaultAbort grpc(double percentage, int status) {
        return new FaultAbort(percentage, OptionalInt.empty(), OptionalInt.of(status));
    }
}
