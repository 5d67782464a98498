package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import dev.ambit.runtime.logging.EventLogConfigurator;
import dev.ambit.waypoint.observe.AccessLog;
import dev.ambit.waypoint.proxy.RequestExchange;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The waypoint process's logging: INFO and the access log, not logback's unconfigured DEBUG-for-everything. */
class WaypointLoggingTest {

    @Test
    void logbackFindsTheMeshLoggingSetUpOnTheWaypointsClassPath() {
        assertTrue(ServiceLoader.load(Configurator.class, WaypointMain.class.getClassLoader()).stream()
                .anyMatch(provider -> provider.type() == EventLogConfigurator.class),
                "META-INF/services names the mesh's configurator");
    }

    @Test
    void theProcessLogsAtInfoWithTheAccessLogAndWithoutPerRequestDebugLines() {
        LoggerContext context = new LoggerContext();
        EventLogConfigurator.apply(context, Level.INFO, false);
        try {
            assertTrue(context.getLogger(AccessLog.LOGGER).isInfoEnabled());
            assertFalse(context.getLogger(AccessLog.LOGGER).isAdditive(), "access lines are not events");
            assertTrue(context.getLogger(Waypoint.class).isInfoEnabled());
            assertFalse(context.getLogger(RequestExchange.class).isDebugEnabled());
            assertFalse(context.getLogger("io.netty.handler.codec.http2.Http2FrameCodec").isInfoEnabled());
            assertFalse(context.getStatusManager().getCopyOfStatusList().stream()
                    .anyMatch(status -> status.getLevel() >= ch.qos.logback.core.status.Status.WARN),
                    () -> context.getStatusManager().getCopyOfStatusList().toString());
        } finally {
            context.stop();
        }
    }
}
