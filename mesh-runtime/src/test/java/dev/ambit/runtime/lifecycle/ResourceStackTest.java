package dev.ambit.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceStackTest {

    private final List<String> closed = new ArrayList<>();

    @Test
    void closesInReverseOrderOnce() {
        ResourceStack stack = new ResourceStack();
        stack.push(() -> closed.add("first"));
        stack.push("second", name -> closed.add(name));
        stack.push(() -> closed.add("third"));

        stack.close();
        stack.close();

        assertEquals(List.of("third", "second", "first"), closed);
    }

    @Test
    void aFailingCloseDoesNotStopTheRest() {
        ResourceStack stack = new ResourceStack();
        stack.push(() -> closed.add("first"));
        stack.push(() -> {
            throw new IOException("broken");
        });
        stack.push(() -> closed.add("third"));

        stack.close();

        assertEquals(List.of("third", "first"), closed);
    }

    @Test
    void aFailedStartClosesWhatItOpenedInReverse() {
        IllegalStateException failure = new IllegalStateException("port taken");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ResourceStack.openAll(opened -> {
            opened.push(() -> closed.add("channel"));
            opened.push(() -> closed.add("certificates"));
            throw failure;
        }));

        assertSame(failure, thrown);
        assertEquals(List.of("certificates", "channel"), closed);
    }

    @Test
    void aCheckedFailureOfTheStartPassesThroughToo() {
        IOException thrown = assertThrows(IOException.class, () -> ResourceStack.<String, IOException>openAll(opened -> {
            opened.push(() -> closed.add("server"));
            throw new IOException("cannot read the CA key");
        }));

        assertEquals("cannot read the CA key", thrown.getMessage());
        assertEquals(List.of("server"), closed);
    }

    @Test
    void aSuccessfulStartLeavesTheStackToWhatItReturns() {
        ResourceStack kept = ResourceStack.openAll(opened -> {
            opened.push(() -> closed.add("server"));
            return opened;
        });

        assertEquals(List.of(), closed);
        kept.close();
        assertEquals(List.of("server"), closed);
    }
}
