package dev.ambit.runtime.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;

/**
 * The mesh processes' logging, set up in code: one line per event ({@link EventLineEncoder}), the request access log
 * as is and in batches ({@link BatchedLineAppender}), libraries' chatter only from WARN. Found by logback through
 * {@code META-INF/services}.
 *
 * <p>Why not a {@code logback.xml}: reading one loads logback's XML configurator and the JDK's XML parser, about 800
 * classes for a dozen lines (1,813 classes and 1.4–3.0 s to log one line against 1,008 and 0.5–0.7 s, measured on
 * this host; bench/RESULTS.md, "Footprint"). Every node runs two of these processes, and their start-up counts in
 * a rollout.
 *
 * <p>An explicit configuration still wins: with {@code -Dlogback.configurationFile}, or a {@code logback.xml} or
 * {@code logback-test.xml} on the class path (tests, and applications embedding the mesh's classes), this steps
 * aside and logback reads that file as usual.
 *
 * <p>Settings: {@code LOG_LEVEL} (environment) is the root level, INFO by default; {@code -Dambit.log.target=stderr}
 * sends the lines to standard error (processes whose standard output is command output, and the local mesh).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class EventLogConfigurator extends ContextAwareBase implements Configurator {

    public static final String TARGET_PROPERTY = "ambit.log.target";
    static final String LEVEL_VARIABLE = "LOG_LEVEL";

    /** Libraries that log per connection or per retry at INFO and below. */
    private static final Map<String, Level> QUIET_LIBRARIES = Map.of(
            "io.netty", Level.WARN,
            "io.grpc", Level.WARN,
            "io.fabric8.kubernetes.client.informers", Level.WARN);

    private final ClassLoader classLoader;
    private final Map<String, String> environment;

    public EventLogConfigurator() {
        this(EventLogConfigurator.class.getClassLoader(), System.getenv());
    }

    EventLogConfigurator(ClassLoader classLoader, Map<String, String> environment) {
        this.classLoader = classLoader;
        this.environment = environment;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (explicitConfiguration()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        String target = System.getProperty(TARGET_PROPERTY, "stdout").toLowerCase(Locale.ROOT);
        if (!target.equals("stdout") && !target.equals("stderr")) {
            // Logging is not set up yet: say it where an operator looks, then go on with the default.
            System.err.println("event=log_config_invalid property=" + TARGET_PROPERTY + " value=" + target
                    + " expected=stdout|stderr using=stdout");
            target = "stdout";
        }
        apply(context, rootLevel(), target.equals("stderr"));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Sets up the mesh's logging in {@code context}: events at {@code rootLevel} and above (libraries' from WARN),
     * one line each, and the access log as is, both on standard output or standard error.
     */
    public static void apply(LoggerContext context, Level rootLevel, boolean toStandardError) {
        String consoleTarget = toStandardError ? "System.err" : "System.out";
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(console(context, "events", consoleTarget, EventLineEncoder.events()));
        QUIET_LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));

        Logger access = context.getLogger(LoggerNames.ACCESS);
        access.setLevel(Level.INFO);
        access.setAdditive(false);
        access.addAppender(batched(context, consoleTarget));
    }

    private boolean explicitConfiguration() {
        return System.getProperty("logback.configurationFile") != null
                || classLoader.getResource("logback-test.xml") != null
                || classLoader.getResource("logback.xml") != null;
    }

    private Level rootLevel() {
        String value = environment.get(LEVEL_VARIABLE);
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        Level level = Level.toLevel(value.strip(), null);
        if (level == null) {
            System.err.println("event=log_config_invalid variable=" + LEVEL_VARIABLE + " value=" + value.strip()
                    + " expected=TRACE|DEBUG|INFO|WARN|ERROR|OFF using=INFO");
            return Level.INFO;
        }
        return level;
    }

    private static ConsoleAppender<ILoggingEvent> console(Context context, String name, String target,
            Encoder<ILoggingEvent> encoder) {
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setTarget(target);
        return started(context, name, appender, encoder);
    }

    /** The access log: a line per request, written in batches that its writer flushes ({@link BatchedLineAppender}). */
    private static BatchedLineAppender batched(Context context, String target) {
        BatchedLineAppender appender = new BatchedLineAppender();
        appender.setTarget(target);
        return started(context, "access", appender, EventLineEncoder.messageOnly());
    }

    private static <A extends OutputStreamAppender<ILoggingEvent>> A started(Context context, String name, A appender,
            Encoder<ILoggingEvent> encoder) {
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
