package dev.ambit.nodeagent.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The agent's answer to a {@link CniRequest}, one JSON object on one line: {@code {"result":"enrolled",
 * "cgroupId":1234,"message":"…"}}. The plugin lets ADD succeed on {@code enrolled} and {@code not_ambient}, and
 * fails it on {@code failed} (unless fail-closed is off).
 */
public record CniAnswer(Result result, long cgroupId, String message) {

    public enum Result {
        /** The pod's entry is in the kernel's enrolled map: its first connection is steered. */
        ENROLLED,
        /** The pod is not in the mesh (its namespace is not ambient, or it opted out): nothing to wait for. */
        NOT_AMBIENT,
        /** DEL: the agent has let go of the pod. */
        RELEASED,
        /** The agent cannot enroll the pod (unknown after the bounded wait, no cgroup, a kernel error). */
        FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    public static CniAnswer enrolled(long cgroupId, String message) {
        return new CniAnswer(Result.ENROLLED, cgroupId, message);
    }

    public static CniAnswer notAmbient(String message) {
        return new CniAnswer(Result.NOT_AMBIENT, 0, message);
    }

    public static CniAnswer released(String message) {
        return new CniAnswer(Result.RELEASED, 0, message);
    }

    public static CniAnswer failed(String message) {
        return new CniAnswer(Result.FAILED, 0, message);
    }

    public String toJson() {
        StringWriter out = new StringWriter();
        try (var json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("result", result.wireName());
            if (cgroupId != 0) {
                json.writeNumberField("cgroupId", cgroupId);
            }
            json.writeStringField("message", message);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static CniAnswer parse(String line) {
        Result result = null;
        long cgroupId = 0;
        String message = "";
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an answer is one JSON object");
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "result" -> result = Result.valueOf(parser.getText().toUpperCase(Locale.ROOT));
                    case "cgroupId" -> cgroupId = parser.getLongValue();
                    case "message" -> message = parser.getText();
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (result == null) {
            throw new IllegalArgumentException("an answer has a result");
        }
        return new CniAnswer(result, cgroupId, message);
    }
}
