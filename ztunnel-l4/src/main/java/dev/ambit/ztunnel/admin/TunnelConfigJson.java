package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Message;
import dev.ambit.api.config.ResourceCodec;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The config the tunnel decides with now, each resource in the config stream's own schema (encoded back the way the
 * controller sent it), grouped by kind and sorted by name. Every kind the tunnel follows is listed, empty or not.
 */
record TunnelConfigJson(Supplier<TunnelConfig> config) implements JsonSection {

    /** The kinds a {@link TunnelConfig} holds, under the names they have in the dump. */
    private static final Map<ResourceType, String> KINDS = Map.of(
            ResourceType.WORKLOAD, "workloads",
            ResourceType.SERVICE, "services",
            ResourceType.AUTHORIZATION_POLICY, "authorizationPolicies",
            ResourceType.PEER_AUTHENTICATION, "peerAuthentications",
            ResourceType.TRAFFIC_POLICY, "trafficPolicies");
    /** The tunnel keeps no versions; the config stream section of the dump has them per kind. */
    private static final String NO_VERSION = "";

    @Override
    public void write(JsonGenerator json) throws IOException {
        TunnelConfig current = config.get();
        json.writeStartObject();
        json.writeStringField("rootNamespace", current.rootNamespace());
        for (ResourceType type : ResourceType.values()) {
            String name = KINDS.get(type);
            if (name == null) {
                continue;
            }
            json.writeArrayFieldStart(name);
            List<ConfigResource> ofType = current.resources().stream()
                    .filter(type.modelType()::isInstance)
                    .sorted(Comparator.comparing(ConfigResource::resourceName))
                    .toList();
            for (ConfigResource resource : ofType) {
                ProtoJson.write(body(ResourceCodec.encode(resource, NO_VERSION)), json);
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static Message body(Resource resource) {
        int bodyField = resource.getBodyCase().getNumber();
        return (Message) resource.getField(Resource.getDescriptor().findFieldByNumber(bodyField));
    }
}
