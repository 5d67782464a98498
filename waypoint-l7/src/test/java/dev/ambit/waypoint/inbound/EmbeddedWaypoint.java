package dev.ambit.waypoint.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.runtime.testing.EmbeddedSocket;
import dev.ambit.waypoint.Waypoint;
import dev.ambit.waypoint.WaypointConfig;
import dev.ambit.waypoint.WaypointSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ConnectException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A waypoint whose client connection is an {@link EmbeddedChannel}, set up by {@link Waypoint#serve} exactly as for a
 * real connection; it knows one service ({@code hello.demo.svc.cluster.local}) whose only endpoint refuses every
 * connection, so requests run through parsing, normalization, routing and policy and are answered by the waypoint
 * itself. For the fuzz targets of the HTTP/1.1 and HTTP/2 inbound.
 */
final class EmbeddedWaypoint {

    private static final SpiffeId CLIENT = SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/client");
    private static final Waypoint WAYPOINT = newWaypoint();

    private EmbeddedWaypoint() {
    }

    /**
     * Sends {@code input} after {@code prefix} in two reads split by the input's first byte, lets every task run, and
     * checks what must hold: no exception escaped any pipeline, and the bytes written are at most
     * {@code fixedOutput + perInputByte × input.length}. Buffers are checked by the PARANOID leak detector.
     */
    static void exchange(byte[] prefix, byte[] input, long fixedOutput, long perInputByte) {
        Unhandled.SEEN.clear();
        EmbeddedChannel channel = new EmbeddedSocket();
        channel.config().setAutoRead(false);
        WAYPOINT.serve(new InboundConnection(channel, Optional.of(CLIENT), Optional.empty()));
        ByteBuf bytes = Unpooled.wrappedBuffer(prefix, input);
        int split = input.length == 0 ? 0 : prefix.length + (input[0] & 0xff) % (input.length + 1);
        channel.writeInbound(bytes.retainedSlice(0, split));
        channel.runPendingTasks();
        long written = drain(channel);
        if (channel.isOpen()) {
            channel.writeInbound(bytes.retainedSlice(split, bytes.readableBytes() - split));
        }
        bytes.release();
        ByteBuf sent = bytes;
        channel.runPendingTasks();
        written += drain(channel);
        channel.checkException();
        long bound = fixedOutput + perInputByte * input.length;
        assertTrue(written <= bound, "wrote " + written + " bytes in answer to " + input.length);
        channel.finishAndReleaseAll();
        // Every frame or message cut from the input holds it: all released, or something leaked.
        // (Nothing sent at all is Netty's shared empty buffer, which is never released.)
        assertTrue(sent == Unpooled.EMPTY_BUFFER || sent.refCnt() == 0, "part of the input was never released");
        assertEquals(List.of(), List.copyOf(Unhandled.SEEN), "exceptions escaped a pipeline");
    }

    private static long drain(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }

    private static Waypoint newWaypoint() {
        Unhandled.install();
        InetAddress backend = InetAddress.getLoopbackAddress();
        NamespacedName hello = NamespacedName.of("demo", "hello");
        Workload workload = new Workload("hello-0", NamespacedName.of("demo", "hello-0"),
                SpiffeId.of("cluster.local", "demo", "hello"), "node-1", List.of(backend), DataplaneMode.NONE,
                Optional.empty(), Optional.empty(), Map.of("app", "hello"), "hello", "v1", List.of(hello));
        MeshService service = new MeshService(hello, "hello.demo.svc.cluster.local", List.of(),
                List.of(new ServicePort("", 80, 80, Optional.empty())),
                List.of(new Endpoint("hello-0", backend, Map.of(80, 8080))), Optional.empty(), Map.of("app", "hello"));
        Waypoint waypoint = new Waypoint(WaypointSettings.defaults(),
                (target, loop) -> ImmediateEventExecutor.INSTANCE.newFailedFuture(
                        new ConnectException("refused by the fuzz test's connector")),
                new PrometheusRegistry());
        waypoint.update(new WaypointConfig(List.of(service), List.of(workload), List.of(), List.of(), List.of(),
                List.of(), WaypointConfig.EMPTY.rootNamespace()));
        return waypoint;
    }

    /** Netty only logs an exception that reaches a pipeline's tail; this collects those log lines. */
    private static final class Unhandled {

        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        static void install() {
            ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
                    org.slf4j.LoggerFactory.getLogger(DefaultChannelPipeline.class);
            var appender = new ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent>() {
                @Override
                protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                    if (event.getFormattedMessage().contains("reached at the tail of the pipeline")) {
                        SEEN.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                                : ": " + event.getThrowableProxy().getClassName() + ": "
                                + event.getThrowableProxy().getMessage()));
                    }
                }
            };
            appender.setContext(logger.getLoggerContext());
            appender.start();
            logger.addAppender(appender);
        }
    }
}
