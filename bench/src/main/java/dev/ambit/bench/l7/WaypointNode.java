package dev.ambit.bench.l7;

import dev.ambit.control.ca.MeshCa;
import dev.ambit.bench.topology.BenchTopology;
import dev.ambit.bench.topology.CommandLine;
import dev.ambit.bench.topology.MeshCertificates;
import dev.ambit.bench.topology.ProcessLifetime;
import dev.ambit.waypoint.Waypoint;
import dev.ambit.waypoint.WaypointSettings;
import dev.ambit.waypoint.inbound.HboneInboundSource;
import dev.ambit.waypoint.upstream.HboneUpstreamConnector;
import dev.ambit.waypoint.upstream.LoopHbonePools;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The bench service's waypoint: HBONE in on the waypoint address (from node A's tunnel), HBONE out to the backend's
 * node tunnel, routing by the catch-all route. Runs in node B's network namespace until SIGTERM.
 *
 * <p>{@code WaypointNode --ca-cert F --ca-key F}
 */
public final class WaypointNode {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private WaypointNode() {
    }

    public static void main(String[] argv) throws Exception {
        NettyProcessDefaults.apply();
        CommandLine args = new CommandLine(argv);
        MeshCa ca = MeshCertificates.ca(args);
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                "bench-waypoint");
        HboneSettings settings = HboneSettings.defaults();
        CertManager certificates = MeshCertificates.certManager(ca);
        certificates.add(BenchTopology.WAYPOINT).get(10, TimeUnit.SECONDS);
        LoopHbonePools pools = new LoopHbonePools(transport, certificates, settings);
        Waypoint waypoint = new Waypoint(WaypointSettings.defaults(), new HboneUpstreamConnector(pools,
                BenchTopology.WAYPOINT, new TcpUpstreamConnector(transport, CONNECT_TIMEOUT)), new PrometheusRegistry());
        waypoint.update(BenchTopology.waypointConfig());
        waypoint.listen(new HboneInboundSource(transport, group, certificates, settings,
                BenchTopology.hbone(BenchTopology.WAYPOINT_ADDRESS)));
        ProcessLifetime.readyUntilTerminated("waypoint", () -> {
            waypoint.close();
            pools.close();
            certificates.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }
}
