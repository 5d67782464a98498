package dev.ambit.nodeagent.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a test opened, closed in reverse order after it: probes, agents, views, event loops. */
public final class Resources implements AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    public <T extends AutoCloseable> T track(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        while (!opened.isEmpty()) {
            opened.pop().close();
        }
    }
}
