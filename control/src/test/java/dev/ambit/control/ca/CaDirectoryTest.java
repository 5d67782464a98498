package dev.ambit.control.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaDirectoryTest {

    @TempDir
    Path directory;

    @Test
    void aRestartedControllerKeepsTheRootItCreatedFirst() throws Exception {
        MeshCa first = CaDirectory.loadOrCreate(directory, "cluster.local", Duration.ofHours(1));
        MeshCa again = CaDirectory.loadOrCreate(directory, "cluster.local", Duration.ofHours(1));

        assertEquals(first.issuerChainPem(), again.issuerChainPem());
        assertEquals(first.signingKeyPem(), again.signingKeyPem());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(directory.resolve(CaDirectory.KEY))));
        assertEquals(Duration.ofHours(1), again.maxLeafTtl());
    }

    @Test
    void anotherDirectoryIsAnotherRoot(@TempDir Path other) {
        MeshCa first = CaDirectory.loadOrCreate(directory, "cluster.local", Duration.ofHours(1));
        MeshCa second = CaDirectory.loadOrCreate(other, "cluster.local", Duration.ofHours(1));

        assertNotEquals(first.issuerChainPem(), second.issuerChainPem());
    }
}
