package dev.ambit.api.config.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshConfigTest {

    private static final MeshConfig ALL = MeshConfig.of(ModelFixtures.all());

    @Test
    void aLimitedViewReadsItsKinds() {
        MeshConfig limited = ALL.only(List.of(ResourceType.WORKLOAD, ResourceType.PEER_AUTHENTICATION));

        assertEquals(ALL.all(Workload.class), limited.all(Workload.class));
        assertEquals(ALL.all(PeerAuthentication.class), limited.all(PeerAuthentication.class));
        assertEquals(ALL.all(Workload.class).size() + ALL.all(PeerAuthentication.class).size(), limited.size());
    }

    /** A kind never subscribed to would read as none at all: that must be an error, not an empty mesh. */
    @Test
    void aLimitedViewRefusesOtherKinds() {
        MeshConfig limited = ALL.only(List.of(ResourceType.WORKLOAD, ResourceType.PEER_AUTHENTICATION));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> limited.all(MeshService.class));
        assertTrue(e.getMessage().contains("Service") && e.getMessage().contains("Workload, PeerAuthentication"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> limited.find(MeshService.class, "any"));
    }

    @Test
    void limitingTwiceKeepsWhatBothAllow() {
        MeshConfig twice = ALL.only(List.of(ResourceType.WORKLOAD)).only(List.of(ResourceType.WORKLOAD,
                ResourceType.SERVICE));

        assertEquals(ALL.all(Workload.class), twice.all(Workload.class));
        assertThrows(IllegalStateException.class, () -> twice.all(MeshService.class));
    }

    @Test
    void anUnlimitedViewReadsEveryKind() {
        for (ResourceType type : ResourceType.values()) {
            assertEquals(0, MeshConfig.EMPTY.resources(type).size(), type.kind());
        }
    }
}
