package dev.ambit.bench.l4;

import dev.ambit.control.ca.MeshCa;
import dev.ambit.bench.topology.BenchTopology;
import dev.ambit.bench.topology.CommandLine;
import dev.ambit.bench.topology.MeshCertificates;
import dev.ambit.bench.topology.ProcessLifetime;
import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.PodMode;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.ztunnel.Ztunnel;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.ztunnel.outbound.OriginalDestinationLookup;
import dev.ambit.bench.topology.LocalCertificateAuthorityClient;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import dev.ambit.runtime.transport.Transport;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * One node of the bench mesh: the node tunnel on the standard ports of the node address and, on the client node, the
 * eBPF steering of the enrolled client pod's cgroup feeding the tunnel its original destinations. A real node runs
 * these as two processes (node-agent run and tunnel) sharing the pinned maps; one JVM here measures the same data
 * path, the map lookup being the same syscall either way. Runs inside the node's network namespace until SIGTERM,
 * then removes its steering.
 *
 * <p>{@code TunnelNode --node node-a|node-b --ca-cert F --ca-key F
 * [--pods-cgroup DIR --pod-cgroup DIR --pin-root DIR [--fast-path]]}
 */
public final class TunnelNode {

    private TunnelNode() {
    }

    public static void main(String[] argv) throws Exception {
        NettyProcessDefaults.apply();
        CommandLine args = new CommandLine(argv);
        String node = args.required("node");
        ZtunnelOptions options = ZtunnelOptions.defaults(node, BenchTopology.nodeAddress(node));
        Optional<BpfRedirector> steering = args.optional("pods-cgroup").map(any -> steer(args, options.outbound()));
        OriginalDestinationLookup lookup = steering
                .<OriginalDestinationLookup>map(redirector -> (client, listener) ->
                        redirector.originalDestinations().lookup(client))
                .orElse((client, listener) -> Optional.empty());
        MeshCa ca = MeshCertificates.ca(args);
        Transport transport = args.flag("fast-path") ? Transport.forSocketFastPath() : Transport.best();
        Ztunnel tunnel = Ztunnel.start(options, transport, new LocalCertificateAuthorityClient(ca),
                ca.trustBundle(), lookup, new PrometheusRegistry(), Clock.systemUTC());
        tunnel.updateConfig(BenchTopology.tunnelConfig());
        while (!tunnel.ready()) {
            Thread.sleep(20);
        }
        ProcessLifetime.readyUntilTerminated("tunnel " + node, () -> {
            tunnel.close();
            steering.ifPresent(BpfRedirector::uninstall);
        });
    }

    /** Steers the client pod: its connections go to this tunnel's outbound listener. */
    private static BpfRedirector steer(CommandLine args, InetSocketAddress outbound) {
        RedirectorConfig config = new RedirectorConfig(args.path("pin-root"), args.path("pods-cgroup"),
                Cgroup2.root(MountTable.read()), outbound, null, args.flag("fast-path"));
        BpfRedirector redirector = BpfRedirector.start(config);
        redirector.enroller().enroll(args.path("pod-cgroup"), List.of(BenchTopology.CLIENT_POD),
                BenchTopology.CLIENT, PodMode.PERMISSIVE);
        return redirector;
    }
}
