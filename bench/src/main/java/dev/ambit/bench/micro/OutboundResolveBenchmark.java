package dev.ambit.bench.micro;

import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.outbound.EndpointPicker;
import dev.ambit.ztunnel.outbound.OutboundResolver;
import dev.ambit.ztunnel.outbound.OutboundRoute;
import java.net.InetSocketAddress;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the tunnel decides for every accepted outbound connection: source workload by client address, service by
 * VIP, endpoint pick, HBONE key; plus the policies that apply to the destination. 500 workloads, 100 services.
 */
@State(Scope.Benchmark)
public class OutboundResolveBenchmark extends MicroBenchmark {

    private final OutboundResolver resolver = new OutboundResolver(new EndpointPicker());
    private TunnelConfig config;
    private InetSocketAddress client;
    private InetSocketAddress serviceVip;
    private InetSocketAddress podAddress;

    @Setup
    public void build() {
        config = TunnelConfig.builder()
                .workloads(SyntheticMesh.workloads())
                .services(SyntheticMesh.services())
                .authorizationPolicies(SyntheticMesh.policies())
                .build();
        client = new InetSocketAddress(SyntheticMesh.endpointAddress(1, 0), 43_512);
        serviceVip = new InetSocketAddress(SyntheticMesh.serviceVip(57), SyntheticMesh.SERVICE_PORT);
        podAddress = new InetSocketAddress(SyntheticMesh.endpointAddress(0, 3), SyntheticMesh.TARGET_PORT);
    }

    @Benchmark
    public OutboundRoute toServiceVip() {
        return resolver.resolve(client, serviceVip, config);
    }

    @Benchmark
    public OutboundRoute toPodAddress() {
        return resolver.resolve(client, podAddress, config);
    }

    /** The inbound side's lookup of the policies selecting the destination workload. */
    @Benchmark
    public List<AuthorizationPolicy> policiesOfDestination() {
        return config.authorizationPolicies(config.workload(podAddress.getAddress()).orElseThrow());
    }
}
