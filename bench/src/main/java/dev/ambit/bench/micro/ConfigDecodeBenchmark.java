package dev.ambit.bench.micro;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.ambit.api.config.ResourceCodec;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a data plane does with each resource of a config push: parse the protobuf bytes and decode them into the
 * validated model ({@link ResourceCodec#decode}), for the kinds that dominate a push.
 */
@State(Scope.Benchmark)
public class ConfigDecodeBenchmark extends MicroBenchmark {

    @Param({"WORKLOAD", "SERVICE", "AUTHORIZATION_POLICY"})
    public ResourceType kind;

    private byte[] wire;

    @Setup
    public void encode() {
        ConfigResource model = switch (kind) {
            case WORKLOAD -> SyntheticMesh.workloads().get(0);
            case SERVICE -> SyntheticMesh.services().get(0);
            case AUTHORIZATION_POLICY -> SyntheticMesh.policies().get(SyntheticMesh.policies().size() - 1);
            default -> throw new IllegalArgumentException("no fixture for " + kind);
        };
        wire = ResourceCodec.encode(model, "v1").toByteArray();
    }

    @Benchmark
    public ConfigResource parseAndDecode() throws InvalidProtocolBufferException {
        return ResourceCodec.decode(kind, Resource.parseFrom(wire));
    }
}
