package dev.ambit.nodeagent.tunnel;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.stream.ConfigStreamClient;
import dev.ambit.ztunnel.admin.JsonSection;
import java.io.IOException;
import java.util.Map;

/**
 * The config dump's {@code configStream}: where the tunnel's config comes from, whether the stream is up, the
 * controller's version each kind was last brought to, and how many pushes were applied or rejected (NACKed).
 */
record ConfigStreamJson(ConfigStreamClient stream, String controller) implements JsonSection {

    @Override
    public void write(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("controller", controller);
        json.writeBooleanField("connected", stream.connected());
        json.writeObjectFieldStart("appliedVersions");
        Map<ResourceType, String> versions = stream.appliedVersions();
        for (ResourceType type : ResourceType.values()) {
            String version = versions.get(type);
            if (version != null) {
                json.writeStringField(type.kind(), version);
            }
        }
        json.writeEndObject();
        json.writeNumberField("acceptedPushes", stream.acceptedPushes());
        json.writeNumberField("rejectedPushes", stream.rejectedPushes());
        json.writeEndObject();
    }
}
