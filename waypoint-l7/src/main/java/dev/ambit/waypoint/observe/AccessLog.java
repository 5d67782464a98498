package dev.ambit.waypoint.observe;

import dev.ambit.runtime.logging.LineBatches;
import dev.ambit.runtime.logging.LineSink;
import dev.ambit.runtime.logging.LoggerNames;
import java.time.Instant;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the SLF4J logger {@value #LOGGER}, so that deployments route it with their logging
 * config. Carries no credentials: of a JWT only its issuer and subject.
 *
 * <p>Lines are formatted and handed to the logger on the access log's own thread ({@code ambit-access-log}), not on
 * the event loops: a logging backend writes under a lock and blocks on its output (a file, a container's stdout
 * pipe), and an event loop waiting there stalls every connection it serves. The event loop only queues the entry.
 * The writer wakes every {@value #LINGER_MILLIS} ms while there is traffic (so queuing never signals it) and sleeps
 * when there is none. Nothing is dropped: once {@value #QUEUE_LIMIT} entries are waiting, the event loop writes
 * its line itself, which slows it to the backend's pace, as before. {@link #close} writes what is still queued.
 *
 * <p>Each batch ends with a {@linkplain LineBatches#flush flush}: the mesh's own logging configuration gathers access
 * lines into a few writes per batch instead of a system call per line, and the flush sends them once the queue is
 * empty. Other appenders ignore it.
 */
public final class AccessLog implements AutoCloseable {

    public static final String LOGGER = LoggerNames.ACCESS;
    /** Entries waiting for the writer thread beyond which event loops write their own lines. */
    static final int QUEUE_LIMIT = 16_384;
    static final long LINGER_MILLIS = 2;
    /** A line with every field is about 650 characters; long paths and user agents grow the builder. */
    private static final int LINE_CAPACITY = 1024;

    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final boolean enabled;
    /** The fields the settings keep, in line order. */
    private final AccessLogField[] fields;
    /** Per field ordinal: {@code "json_name":}. */
    private final String[] keys;
    private final InstantText instants = new InstantText();
    private final Queue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile Thread writer;
    /** The writer sleeps until a new entry unparks it (no traffic for a linger period). */
    private volatile boolean idle;
    private volatile boolean closed;

    public AccessLog(AccessLogSettings settings) {
        this.enabled = settings.enabled();
        this.fields = Arrays.stream(AccessLogField.values()).filter(settings.fields()::contains)
                .toArray(AccessLogField[]::new);
        this.keys = new String[AccessLogField.values().length];
        for (AccessLogField field : AccessLogField.values()) {
            StringBuilder key = new StringBuilder();
            appendString(key, field.jsonName());
            keys[field.ordinal()] = key.append(':').toString();
        }
    }

    /** Queues the line of a finished request; the entry must not change afterwards. */
    public void write(AccessLogEntry entry) {
        if (!enabled || !log.isInfoEnabled()) {
            return;
        }
        Thread current = closed ? null : writerThread();
        if (current == null || queued.incrementAndGet() > QUEUE_LIMIT) {
            if (current != null) {
                queued.decrementAndGet();
            }
            log.info(format(entry, new StringBuilder(LINE_CAPACITY)));
            LineBatches.flush(log);
            return;
        }
        queue.offer(entry);
        if (idle) {
            LockSupport.unpark(current);
        }
        if (closed) {
            // Closed meanwhile: the writer may have drained for the last time before this entry came.
            drain(null);
        }
    }

    /** Writes the lines still queued and stops the writer thread; later lines are written by their caller. */
    @Override
    public void close() {
        closed = true;
        Thread current = writer;
        if (current != null) {
            LockSupport.unpark(current);
            try {
                current.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain(null);
    }

    private Thread writerThread() {
        Thread current = writer;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (writer == null && !closed) {
                Thread thread = new Thread(this::run, "ambit-access-log");
                thread.setDaemon(true);
                thread.start();
                writer = thread;
            }
            return writer;
        }
    }

    private void run() {
        long linger = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        StringBuilder scratch = new StringBuilder(LINE_CAPACITY);
        while (true) {
            boolean last = closed;
            drain(scratch);
            if (last) {
                return;
            }
            LockSupport.parkNanos(this, linger);
            if (queue.isEmpty()) {
                idle = true;
                // An entry queued after this check sees idle and unparks; one queued before it is seen here.
                if (queue.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                idle = false;
            }
        }
    }

    /** @param scratch the writer thread's reusable builder; null on any other thread */
    private void drain(StringBuilder scratch) {
        AccessLogEntry entry;
        boolean wrote = false;
        LineSink plain = null;
        while ((entry = queue.poll()) != null) {
            if (!wrote) {
                // Without an event per line where the logging set-up is the mesh's own (LineBatches.plainLines).
                plain = LineBatches.plainLines(log).orElse(null);
            }
            wrote = true;
            queued.decrementAndGet();
            try {
                String line = format(entry, scratch != null ? scratch : new StringBuilder(LINE_CAPACITY));
                if (plain != null) {
                    plain.write(line);
                } else {
                    log.info(line);
                }
            } catch (RuntimeException e) {
                // A broken appender must not end the writer: the next lines may get through.
                LoggerFactory.getLogger(AccessLog.class).warn("event=access_log_failed error=\"{}\"", e.toString());
            }
        }
        if (wrote) {
            LineBatches.flush(log);
        }
    }

    String format(AccessLogEntry entry) {
        return format(entry, new StringBuilder(LINE_CAPACITY));
    }

    /** Formats into {@code line} (emptied first), so that the writer thread reuses one builder. */
    private String format(AccessLogEntry entry, StringBuilder line) {
        line.setLength(0);
        line.append('{');
        for (AccessLogField field : fields) {
            Object value = entry.get(field);
            if (value == null) {
                continue;
            }
            if (line.length() > 1) {
                line.append(',');
            }
            line.append(keys[field.ordinal()]);
            if (value instanceof Integer number) {
                line.append(number.intValue());
            } else if (value instanceof Long number) {
                line.append(number.longValue());
            } else if (value instanceof Number) {
                line.append(value);
            } else if (value instanceof Instant instant) {
                line.append('"');
                instants.append(line, instant);
                line.append('"');
            } else {
                appendString(line, value.toString());
            }
        }
        return line.append('}').toString();
    }

    /** A JSON string: runs that need no escaping are appended whole. */
    private static void appendString(StringBuilder out, String value) {
        out.append('"');
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, start, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            start = i + 1;
        }
        out.append(value, start, value.length()).append('"');
    }
}
