package dev.ambit.nodeagent.tunnel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SteeringJsonTest {

    @Test
    void saysThePinsAreNotOpenAndWhy(@TempDir Path notBpffs) throws Exception {
        try (PinnedSteeringView steering = PinnedSteeringView.follow(notBpffs, Duration.ofMinutes(1))) {
            StringWriter out = new StringWriter();
            try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
                new SteeringJson(steering, notBpffs).write(json);
            }

            String dump = out.toString();
            assertTrue(dump.startsWith("{\"pinRoot\":\"" + notBpffs + "\",\"pinsOpened\":false,\"problem\":\""
                    + notBpffs + " is not on a bpffs mount"), dump);
            assertTrue(dump.endsWith("\"mapIds\":{}}"), dump);
        }
    }
}
