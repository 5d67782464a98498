package dev.ambit.runtime.transport;

/** Where listeners and clients report connections that failed. */
@FunctionalInterface
public interface ConnectionFailures {

    ConnectionFailures IGNORE = reason -> { };

    void record(FailureReason reason);
}
