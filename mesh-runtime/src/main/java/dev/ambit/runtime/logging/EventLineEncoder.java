package dev.ambit.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Writes an event as the mesh's processes always have: {@code 2026-12-06T17:39:15.413Z INFO  Transport event=...}
 * (time with offset, level padded to five, the logger's simple name, the message), then the stack trace if any.
 * The same line as logback's {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n}, without its
 * pattern parser.
 */
final class EventLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());

    private final boolean messageOnly;

    private EventLineEncoder(boolean messageOnly) {
        this.messageOnly = messageOnly;
    }

    /** Time, level, logger and message. */
    static EventLineEncoder events() {
        return new EventLineEncoder(false);
    }

    /** The message alone (the access log's JSON lines). */
    static EventLineEncoder messageOnly() {
        return new EventLineEncoder(true);
    }

    /** Whether this encoder writes an event's message alone, as {@link #messageLine} does. */
    boolean writesMessageAlone() {
        return messageOnly;
    }

    /** The bytes a message-only encoder writes for an event with this message and no stack trace. */
    static byte[] messageLine(String message) {
        return (message + CoreConstants.LINE_SEPARATOR).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        if (messageOnly && event.getThrowableProxy() == null) {
            return messageLine(event.getFormattedMessage());
        }
        StringBuilder line = new StringBuilder(128);
        if (!messageOnly) {
            TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
            String level = event.getLevel().toString();
            line.append(' ').append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ')
                    .append(simpleName(event.getLoggerName())).append(' ');
        }
        line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String simpleName(String loggerName) {
        return loggerName.substring(loggerName.lastIndexOf('.') + 1);
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
