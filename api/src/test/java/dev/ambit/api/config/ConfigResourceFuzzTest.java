package dev.ambit.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.InvalidConfigException;

/**
 * A config-stream push, as bytes off the wire. Each resource either decodes into a valid model, which encodes back
 * to a resource that decodes to the same model, or is refused with an {@link InvalidConfigException} naming the
 * field (the NACK's message); any other exception would be a NACK nobody can act on, or worse, a half-applied push.
 */
class ConfigResourceFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        ConfigResponse push;
        try {
            push = ConfigResponse.parseFrom(input);
        } catch (InvalidProtocolBufferException notProtobuf) {
            return;
        }
        ResourceType pushed = ResourceType.fromTypeUrl(push.getTypeUrl()).orElse(ResourceType.WORKLOAD);
        for (Resource resource : push.getResourcesList()) {
            ResourceType expected = ResourceType.of(resource.getBodyCase()).orElse(pushed);
            for (ResourceType type : new ResourceType[] {expected, pushed}) {
                ConfigResource model;
                try {
                    model = ResourceCodec.decode(type, resource);
                } catch (InvalidConfigException refused) {
                    assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a NACK says why");
                    continue;
                }
                Resource again = ResourceCodec.encode(model, resource.getVersion());
                assertEquals(model, ResourceCodec.decode(type, again), "decode(encode(model)) is the model");
            }
        }
    }
}
