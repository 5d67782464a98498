package dev.ambit.nodeagent.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ambit.api.model.IpLiteral;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the CNI plugin asks the agent, one JSON object on one line (docs/cni.md):
 * {@code {"command":"ADD","namespace":"shop","name":"cart-0","uid":"…","containerId":"…","netns":"/var/run/netns/…",
 * "cgroup":"/sys/fs/cgroup/…","addresses":["10.244.1.5"]}}. {@code cgroup} is optional (the agent finds the pod's
 * cgroup by UID, as the kubelet names it); {@code addresses} are the pod's IPs from the chain's prevResult, which the
 * API server learns only after ADD has returned.
 */
public record CniRequest(Command command, String namespace, String name, String uid, String containerId,
        String netns, Optional<String> cgroup, List<InetAddress> addresses) {

    /** The CNI operations the agent takes part in; CHECK is answered like ADD without waiting. */
    public enum Command { ADD, DEL, CHECK }

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_ADDRESSES = 4;

    public CniRequest {
        addresses = List.copyOf(addresses);
    }

    /** {@code namespace/name}, for logs and answers. */
    public String pod() {
        return namespace + "/" + name;
    }

    /** Parses one request line; a malformed one throws {@link IllegalArgumentException} naming the problem. */
    public static CniRequest parse(String line) {
        String command = null;
        String namespace = "";
        String name = "";
        String uid = "";
        String containerId = "";
        String netns = "";
        String cgroup = null;
        List<InetAddress> addresses = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a request is one JSON object");
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "command" -> command = text(parser, value, field);
                    case "namespace" -> namespace = text(parser, value, field);
                    case "name" -> name = text(parser, value, field);
                    case "uid" -> uid = text(parser, value, field);
                    case "containerId" -> containerId = text(parser, value, field);
                    case "netns" -> netns = text(parser, value, field);
                    case "cgroup" -> cgroup = text(parser, value, field);
                    case "addresses" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new IllegalArgumentException("addresses must be an array of IP addresses");
                        }
                        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                            if (addresses.size() == MAX_ADDRESSES) {
                                throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " addresses");
                            }
                            addresses.add(IpLiteral.parse(text(parser, item, field)));
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (command == null) {
            throw new IllegalArgumentException("command is required (ADD, DEL or CHECK)");
        }
        Command parsed;
        try {
            parsed = Command.valueOf(command.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown command '" + command + "' (ADD, DEL or CHECK)");
        }
        if (namespace.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("namespace and name are required");
        }
        return new CniRequest(parsed, namespace, name, uid, containerId, netns, Optional.ofNullable(cgroup), addresses);
    }

    private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return parser.getText();
    }

    /** The request as the plugin sends it (tests and the local mesh use it). */
    public String toJson() {
        StringWriter out = new StringWriter();
        try (var json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("command", command.name());
            json.writeStringField("namespace", namespace);
            json.writeStringField("name", name);
            json.writeStringField("uid", uid);
            json.writeStringField("containerId", containerId);
            json.writeStringField("netns", netns);
            if (cgroup.isPresent()) {
                json.writeStringField("cgroup", cgroup.get());
            }
            json.writeArrayFieldStart("addresses");
            for (InetAddress address : addresses) {
                json.writeString(address.getHostAddress());
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
