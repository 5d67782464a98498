package dev.ambit.nodeagent.tunnel;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import dev.ambit.ztunnel.admin.JsonSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The config dump's {@code steering}: whether the tunnel has opened the agent's pinned maps (or why not), which
 * maps by kernel id, how many pods the agent has enrolled and whether it steers with the socket fast path.
 */
record SteeringJson(PinnedSteeringView steering, Path pinRoot) implements JsonSection {

    @Override
    public void write(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("pinRoot", pinRoot.toString());
        json.writeBooleanField("pinsOpened", steering.opened());
        Optional<String> problem = steering.problem();
        if (problem.isPresent()) {
            json.writeStringField("problem", problem.get());
        }
        json.writeObjectFieldStart("mapIds");
        for (Map.Entry<String, Integer> map : new TreeMap<>(steering.mapIds()).entrySet()) {
            json.writeNumberField(map.getKey(), map.getValue());
        }
        json.writeEndObject();
        OptionalInt enrolled = steering.enrolledPods();
        if (enrolled.isPresent()) {
            json.writeNumberField("enrolledPods", enrolled.getAsInt());
        }
        Optional<Boolean> fastPath = steering.socketFastPath();
        if (fastPath.isPresent()) {
            json.writeBooleanField("socketFastPath", fastPath.get());
        }
        json.writeEndObject();
    }
}
