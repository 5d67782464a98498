package dev.ambit.runtime.logging;

/** Loggers that the logging set-up treats apart, named once for the code that logs to them and for the set-up. */
public final class LoggerNames {

    /** The waypoint's access log: one JSON line per request, written as is for log collectors. */
    public static final String ACCESS = "ambit.access";

    private LoggerNames() {
    }
}
