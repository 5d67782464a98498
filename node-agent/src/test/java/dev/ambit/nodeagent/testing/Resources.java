package dev.ambit.nodeagent.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened, closed in reverse order after it: probes, agents, views, event loops. Every one is closed
 * even when some fail; the first failure is thrown with the others suppressed.
 */
public final class Resources implements AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    public <T extends AutoCloseable> T track(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
