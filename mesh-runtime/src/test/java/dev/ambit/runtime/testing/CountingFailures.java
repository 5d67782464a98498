package dev.ambit.runtime.testing;

import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.FailureReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts reported connection failures by reason, as a process's failure counter would. */
public final class CountingFailures implements ConnectionFailures {

    private final Map<FailureReason, LongAdder> counts = new EnumMap<>(FailureReason.class);

    public CountingFailures() {
        for (FailureReason reason : FailureReason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    @Override
    public void record(FailureReason reason) {
        counts.get(reason).increment();
    }

    public long failures(FailureReason reason) {
        return counts.get(reason).sum();
    }
}
