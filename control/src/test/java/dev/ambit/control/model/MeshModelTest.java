package dev.ambit.control.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.control.TestObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The live model's publishing: nothing before every source synced, then one snapshot per change batch. */
class MeshModelTest {

    private static final MeshSettings SETTINGS = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    private static final ConfigErrors IGNORE = new ConfigErrors() {
        @Override
        public void invalid(HasMetadata object, String field, String problem) {
        }

        @Override
        public void accepted(HasMetadata object) {
        }
    };

    private final BlockingQueue<ConfigSnapshot> published = new LinkedBlockingQueue<>();
    private final MeshModel model = new MeshModel(SETTINGS, IGNORE, Set.of("kube", "files"));

    @AfterEach
    void close() {
        model.close();
    }

    private ConfigSnapshot next() throws InterruptedException {
        ConfigSnapshot snapshot = published.poll(10, TimeUnit.SECONDS);
        assertTrue(snapshot != null, "a snapshot was published");
        return snapshot;
    }

    private static Pod pod(String name) {
        return TestObjects.pod("demo", name, "node-a", "10.1.0.1", name, Map.of());
    }

    @Test
    void nothingIsPublishedUntilEverySourceSynced() throws Exception {
        model.addListener(published::add);
        model.upsert(pod("a"));
        model.synced("kube");
        model.synced("kube");
        model.upsert(pod("b"));
        model.synced("files");
        ConfigSnapshot first = next();
        assertEquals(1, first.version());
        assertEquals(Set.of("demo-a", "demo-b"), first.resources(ResourceType.WORKLOAD).keySet(),
                "the first snapshot holds what came before and after the first sync: none was published between");
        assertTrue(model.isReady());
        assertSame(first, model.current());
    }

    @Test
    void theFirstSnapshotIsPublishedEvenWhenEmptyAndLaterOnlyOnChange() throws Exception {
        model.addListener(published::add);
        assertFalse(model.isReady());
        assertSame(ConfigSnapshot.EMPTY, model.current());
        model.synced("kube");
        model.synced("files");
        ConfigSnapshot empty = next();
        assertEquals(1, empty.version());
        assertEquals(Map.of(), empty.resources(ResourceType.WORKLOAD));
        long before = System.nanoTime();
        model.upsert(pod("a"));
        ConfigSnapshot withPod = next();
        assertEquals(2, withPod.version());
        assertTrue(withPod.changedAtNanos() - before >= 0, "stamped when the change arrived");
        model.upsert(pod("a"));
        model.delete(pod("a"));
        ConfigSnapshot afterDelete = next();
        assertEquals(3, afterDelete.version(), "the unchanged upsert published nothing");
        assertEquals(Map.of(), afterDelete.resources(ResourceType.WORKLOAD));
    }

    @Test
    void anObjectThatBreaksAConverterIsSkipped() throws Exception {
        model.addListener(published::add);
        model.synced("kube");
        model.synced("files");
        next();
        // A Service without a spec makes the builder itself throw, not just report the object.
        model.upsert(new ServiceBuilder().withNewMetadata().withNamespace("other").withName("broken").endMetadata()
                .build());
        model.upsert(pod("c"));
        assertEquals(Set.of("demo-c"), next().resources(ResourceType.WORKLOAD).keySet());
    }

    @Test
    void settingsNameTheMeshsIdentitiesAndHostnames() {
        assertEquals("web.demo.svc.cluster.local", SETTINGS.hostname(NamespacedName.of("demo", "web")));
        assertEquals("web.demo.svc.example.org", new MeshSettings("cluster.local", "example.org", "ambit-system")
                .hostname(NamespacedName.of("demo", "web")));
        assertEquals(SpiffeId.of("cluster.local", "ambit-system", "ambit-controller"), SETTINGS.controllerIdentity());
        assertEquals(SpiffeId.of("cluster.local", "ambit-system", "ambit-node-agent"), SETTINGS.nodeAgentIdentity());
        assertEquals(SpiffeId.of("cluster.local", "demo", "wp"), SETTINGS.waypointIdentity(NamespacedName.of("demo",
                "wp")));
    }

    private static ConfigEntry peer(PeerAuthentication.Mode mode) {
        return ResourceVersions.entry(new PeerAuthentication(NamespacedName.of("demo", "p"), Map.of(), mode, Map.of()));
    }

    @Test
    void aResourceVersionIsAHashOfItsContent() {
        ConfigEntry first = peer(PeerAuthentication.Mode.STRICT);
        ConfigEntry same = peer(PeerAuthentication.Mode.STRICT);
        ConfigEntry other = peer(PeerAuthentication.Mode.PERMISSIVE);
        assertEquals(first.version(), same.version(), "a restart gives the same content the same version");
        assertNotEquals(first.version(), other.version());
        assertTrue(first.version().matches("[0-9a-f]{20}"), first.version());
        assertEquals("demo/p", first.name());
        assertEquals(first.version(), first.resource().getVersion());
    }
}
