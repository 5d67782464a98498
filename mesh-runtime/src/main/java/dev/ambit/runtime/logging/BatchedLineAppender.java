package dev.ambit.runtime.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Writes a logger's lines to standard output (or error) in batches: whole lines gather in a buffer and leave in one
 * {@code write(2)} when the next line would not fit, or when the code that logs them ends a batch
 * ({@link LineBatches#flush}). Meant for the access log, a line per request, where logback's console and file
 * appenders make a system call per line (bench/RESULTS.md, session 15: five to six lines per call instead).
 *
 * <p>The buffer holds {@value #PIPE_BUF} bytes. A container's standard output is a pipe, and the kernel writes up to
 * that much to a pipe in one piece: another thread's event line, written to the same pipe meanwhile, cannot land
 * inside one of these lines. A longer line is written alone, as before.
 *
 * <p>Lines wait until a flush: whoever logs through this appender flushes when its batch ends ({@code AccessLog}
 * after each drain of its queue). Stopping the appender flushes what is left; the descriptor stays open.
 */
public final class BatchedLineAppender extends OutputStreamAppender<ILoggingEvent> implements LineSink {

    /** Linux's PIPE_BUF: the largest write to a pipe that no other writer's bytes can interleave with. */
    static final int PIPE_BUF = 4096;

    /** Patterns that write an event's message and a line separator, nothing else. */
    private static final Set<String> MESSAGE_PATTERNS = Set.of("%msg%n", "%m%n", "%message%n");

    private String target = "System.out";

    public BatchedLineAppender() {
        setImmediateFlush(false);
    }

    /** {@code System.out} (the default) or {@code System.err}, as logback's console appender names them. */
    public void setTarget(String target) {
        this.target = target;
    }

    public String getTarget() {
        return target;
    }

    @Override
    public void start() {
        if (getOutputStream() == null) {
            FileDescriptor descriptor;
            switch (target) {
                case "System.out" -> descriptor = FileDescriptor.out;
                case "System.err" -> descriptor = FileDescriptor.err;
                default -> {
                    addError("target is " + target + ", expected System.out or System.err");
                    return;
                }
            }
            setOutputStream(batching(new FileOutputStream(descriptor)));
        }
        super.start();
    }

    /** Batches whole lines written to {@code out} into writes of at most {@value #PIPE_BUF} bytes; never closes it. */
    static OutputStream batching(OutputStream out) {
        return new BufferedOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                // FilterOutputStream would pass the batch on a byte at a time.
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                // The process's standard output outlives the appender (a reconfiguration stops it).
                flush();
            }
        }, PIPE_BUF);
    }

    /**
     * Whether {@link #write(String)} writes what logging the line as an event would: started, no filters of its own,
     * and an encoder that writes the message alone in UTF-8 (the mesh's own, or a pattern of just {@code %msg%n}, as
     * docs/waypoint.md shows for a configuration of one's own).
     */
    boolean takesPlainLines() {
        if (!isStarted() || !getCopyOfAttachedFiltersList().isEmpty()) {
            return false;
        }
        if (getEncoder() instanceof EventLineEncoder events) {
            return events.writesMessageAlone();
        }
        return getEncoder() instanceof PatternLayoutEncoder pattern && MESSAGE_PATTERNS.contains(pattern.getPattern())
                && !pattern.isOutputPatternAsHeader()
                && StandardCharsets.UTF_8.equals(pattern.getCharset() != null ? pattern.getCharset()
                        : Charset.defaultCharset());
    }

    /** Adds one line to the batch, the bytes its event would have been encoded to. */
    @Override
    public void write(String line) {
        byte[] bytes = EventLineEncoder.messageLine(line);
        OutputStream out = getOutputStream();
        if (out == null) {
            return;
        }
        streamWriteLock.lock();
        try {
            out.write(bytes);
        } catch (IOException e) {
            addError("write failed", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Writes the lines still buffered. */
    public void flush() {
        OutputStream out = getOutputStream();
        if (out == null) {
            return;
        }
        streamWriteLock.lock();
        try {
            out.flush();
        } catch (IOException e) {
            addError("flush failed", e);
        } finally {
            streamWriteLock.unlock();
        }
    }
}
