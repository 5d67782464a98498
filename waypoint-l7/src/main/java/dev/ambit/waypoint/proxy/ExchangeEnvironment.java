package dev.ambit.waypoint.proxy;

import dev.ambit.waypoint.http.HttpLimits;
import dev.ambit.waypoint.observe.AccessLog;
import dev.ambit.waypoint.observe.RequestMetrics;
import dev.ambit.waypoint.observe.SpanRecorder;
import dev.ambit.waypoint.resilience.Backoff;
import dev.ambit.waypoint.upstream.ConnectionPools;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What every exchange of a waypoint shares.
 *
 * @param config the current snapshot; each exchange reads it once, at its start
 * @param random thread-safe; picks weighted backends, faults, mirrors, ids
 * @param spans  where request spans go ({@link SpanRecorder#OFF} when tracing is off)
 */
public record ExchangeEnvironment(
        Supplier<CompiledConfig> config,
        ConnectionPools pools,
        HttpLimits limits,
        RequestMetrics metrics,
        AccessLog accessLog,
        RandomGenerator random,
        Backoff backoff,
        SpanRecorder spans) {
}
