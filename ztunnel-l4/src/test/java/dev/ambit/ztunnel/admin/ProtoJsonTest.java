package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import dev.ambit.api.config.v1.PeerAuthentication;
import dev.ambit.api.config.v1.TrafficPolicy;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProtoJsonTest {

    @Test
    void writesTheProto3JsonMappingOfMapsEnumsAndUnsignedKeys() throws IOException {
        PeerAuthentication strict = PeerAuthentication.newBuilder()
                .setName("strict")
                .setNamespace("demo")
                .putSelector("app", "echo")
                .setMode(PeerAuthentication.Mode.STRICT)
                .putPortModes(8080, PeerAuthentication.Mode.PERMISSIVE)
                .build();

        assertEquals("{\"name\":\"strict\",\"namespace\":\"demo\",\"selector\":{\"app\":\"echo\"},\"mode\":\"STRICT\","
                + "\"portModes\":{\"8080\":\"PERMISSIVE\"}}", json(strict));
    }

    @Test
    void writesDurationsAsSecondsAndLeavesDefaultsOut() throws IOException {
        TrafficPolicy.RetryBudget budget = TrafficPolicy.RetryBudget.newBuilder()
                .setRatio(0.25)
                .setTtl(Duration.newBuilder().setSeconds(1).setNanos(500_000_000))
                .build();

        assertEquals("{\"ratio\":0.25,\"ttl\":\"1.5s\"}", json(budget));
    }

    @Test
    void writesUnsignedIntegersAboveTheSignedRangeAsTheyAre() throws IOException {
        TrafficPolicy.RetryBudget budget = TrafficPolicy.RetryBudget.newBuilder().setMinRetriesPerSecond(-1).build();

        assertEquals("{\"minRetriesPerSecond\":4294967295}", json(budget));
    }

    private static String json(Message message) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
            ProtoJson.write(message, json);
        }
        return out.toString();
    }
}
