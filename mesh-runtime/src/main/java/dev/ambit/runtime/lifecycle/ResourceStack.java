package dev.ambit.runtime.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process has opened, closed in reverse order: a start that fails half-way closes exactly what it had
 * opened, and a stop closes dependents before what they depend on. A failing close is logged, never stops the rest.
 */
public final class ResourceStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResourceStack.class);

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** What opens a process's resources onto a stack, and may fail with {@code E} as well as unchecked. */
    @FunctionalInterface
    public interface Start<T, E extends Exception> {
        T open(ResourceStack opened) throws E;
    }

    /**
     * Runs {@code start} with a fresh stack: what it returns owns the stack; if it throws, everything it had opened
     * is closed, in reverse, before the failure propagates.
     */
    public static <T, E extends Exception> T openAll(Start<T, E> start) throws E {
        ResourceStack opened = new ResourceStack();
        try {
            return start.open(opened);
        } catch (Exception e) {
            opened.close();
            throw e;
        }
    }

    public synchronized <T extends AutoCloseable> T push(T resource) {
        opened.push(resource);
        return resource;
    }

    /** For resources whose closing method is not {@link AutoCloseable#close()}, e.g. a channel's shutdown. */
    public synchronized <T> T push(T resource, Consumer<T> closer) {
        opened.push(() -> closer.accept(resource));
        return resource;
    }

    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                log.warn("event=close_failed error=\"{}\"", e.toString());
            }
        }
    }
}
