package dev.ambit.control.source.file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.model.ModelBuilder;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A config file of local mode, as text: either it reads into typed objects (our CRDs' specs strictly) or it is
 * refused with a {@link YamlFileException} on a line of the file, which the controller reports while keeping the
 * file's previous version. What reads is then built into the mesh model as the controller does, where an invalid
 * object is reported through {@link ConfigErrors}, never thrown: an exception there would stop the controller's
 * processing of every later change.
 */
class YamlObjectsFuzzTest {

    private static final Path FILE = Path.of("mesh.yaml");
    private static final MeshSettings SETTINGS = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    private static final YamlObjects YAML = new YamlObjects();
    private static final ConfigErrors IGNORE_ERRORS = new ConfigErrors() {
        @Override
        public void invalid(HasMetadata object, String field, String problem) {
        }

        @Override
        public void accepted(HasMetadata object) {
        }
    };

    @FuzzTest(maxDuration = "10s")
    void read(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<LocatedObject> objects;
        try {
            objects = YAML.read(FILE, text);
        } catch (YamlFileException refused) {
            assertTrue(refused.line() >= 1, "a refusal names a line of the file");
            assertFalse(refused.getMessage().isBlank(), "a refusal says why");
            return;
        }
        ModelBuilder model = new ModelBuilder(SETTINGS, IGNORE_ERRORS);
        for (LocatedObject object : objects) {
            model.apply(object.object(), false);
        }
        model.snapshot(1, 0);
        for (LocatedObject object : objects) {
            model.apply(object.object(), true);
        }
    }
}
