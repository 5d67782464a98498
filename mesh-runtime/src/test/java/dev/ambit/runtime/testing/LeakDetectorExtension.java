package dev.ambit.runtime.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails a test when Netty's leak detector reports a leak. The detector runs at PARANOID (surefire's argLine) and
 * reports through its logger; this captures that logger, and after each test collects garbage and allocates so that
 * pending reports are made.
 */
public final class LeakDetectorExtension implements BeforeAllCallback, AfterEachCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "tests must run with -Dio.netty.leakDetection.level=paranoid");
        synchronized (LeakDetectorExtension.class) {
            if (!installed) {
                Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
                AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
                    @Override
                    protected void append(ILoggingEvent event) {
                        if (event.getFormattedMessage().contains("LEAK:")) {
                            LEAKS.add(event.getFormattedMessage());
                        }
                    }
                };
                appender.setContext(logger.getLoggerContext());
                appender.start();
                logger.addAppender(appender);
                installed = true;
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        // A leak is reported when the detector next tracks an object after the leaked one was collected.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 64; j++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
        List<String> leaks = List.copyOf(LEAKS);
        LEAKS.clear();
        assertTrue(leaks.isEmpty(), () -> leaks.size() + " leak(s) reported:\n" + String.join("\n\n", leaks));
    }
}
