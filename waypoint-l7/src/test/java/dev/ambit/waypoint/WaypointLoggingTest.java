package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.ambit.waypoint.observe.AccessLog;
import dev.ambit.waypoint.proxy.RequestExchange;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The waypoint process's logging: INFO and the access log, not logback's unconfigured DEBUG-for-everything. */
class WaypointLoggingTest {

    @Test
    void theProcessLogsAtInfoWithTheAccessLogAndWithoutPerRequestDebugLines() throws Exception {
        URL configuration = WaypointMain.class.getClassLoader().getResource(WaypointMain.LOGBACK_CONFIGURATION);
        assertNotNull(configuration, WaypointMain.LOGBACK_CONFIGURATION + " is not on the classpath");
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(configuration);
        try {
            assertTrue(context.getLogger(AccessLog.LOGGER).isInfoEnabled());
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
