package dev.ambit.control.model.convert;

import dev.ambit.api.mesh.MeshLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.control.model.MeshSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Waypoint labels, Gateway API durations and the loose field readers. */
class BindingAndDurationTest {

    private static final MeshSettings SETTINGS = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    private static final String USE = MeshLabels.USE_WAYPOINT;

    @Test
    void theObjectsLabelBeatsItsNamespacesAndNoneOptsOut() {
        assertEquals(Optional.of(NamespacedName.of("demo", "own")),
                WaypointBinding.requested("demo", Map.of(USE, "ns-wide"), Map.of(USE, "own")));
        assertEquals(Optional.of(NamespacedName.of("demo", "ns-wide")),
                WaypointBinding.requested("demo", Map.of(USE, "ns-wide"), Map.of()));
        assertEquals(Optional.empty(), WaypointBinding.requested("demo", Map.of(USE, "ns-wide"), Map.of(USE, "none")));
        assertEquals(Optional.empty(), WaypointBinding.requested("demo", Map.of(USE, "ns-wide"), Map.of(USE, "")));
        assertEquals(Optional.empty(), WaypointBinding.requested("demo", Map.of(), Map.of()));
        assertEquals(Optional.empty(), WaypointBinding.requested("demo", Map.of(USE, "ns-wide"),
                Map.of(MeshLabels.GATEWAY_NAME, "ns-wide")), "a waypoint's own pods never use a waypoint");
    }

    @Test
    void aWaypointIsUsedOnlyOnceItsGatewayExists() {
        assertEquals(Optional.of(WaypointAddress.hostname("wp.demo.svc.cluster.local")), WaypointBinding.resolve("demo",
                Map.of(USE, "wp"), Map.of(), gateway -> gateway.equals(NamespacedName.of("demo", "wp")), SETTINGS));
        assertEquals(Optional.empty(), WaypointBinding.resolve("demo", Map.of(USE, "wp"), Map.of(), gateway -> false,
                SETTINGS));
    }

    @Test
    void durationsAddTheirParts() {
        assertEquals(Duration.ofMillis(250), GoDurations.parse("f", "250ms"));
        assertEquals(Duration.ofSeconds(90), GoDurations.parse("f", "1m30s"));
        assertEquals(Duration.ofHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5),
                GoDurations.parse("f", "2h3m4s5ms"));
        assertEquals(Duration.ZERO, GoDurations.parse("f", "0s"));
        assertEquals(Optional.empty(), GoDurations.optional("f", null));
        assertEquals(Optional.empty(), GoDurations.optional("f", ""));
        assertEquals(Optional.of(Duration.ofSeconds(1)), GoDurations.optional("f", "1s"));
        for (String bad : new String[] {"1", "s", "1d", "1.5s", "-1s", "1h2h3h4h5h", "123456s", " 1s"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> GoDurations.parse("f", bad),
                    bad);
            assertEquals("f", e.field());
        }
        assertThrows(InvalidConfigException.class, () -> GoDurations.parse("f", null));
    }

    private enum Color { RED, GREEN }

    @Test
    void fieldsReadLooseValuesStrictly() {
        assertEquals(OptionalInt.empty(), Fields.optionalInt(null));
        assertEquals(OptionalInt.of(3), Fields.optionalInt(3));
        assertEquals(Optional.empty(), Fields.optionalText(null));
        assertEquals(Optional.empty(), Fields.optionalText(""));
        assertEquals(Optional.of("x"), Fields.optionalText("x"));
        assertEquals("v", Fields.required("f", "v"));
        assertEquals("f", assertThrows(InvalidConfigException.class, () -> Fields.required("f", null)).field());
        assertEquals(Color.GREEN, Fields.enumValue(Color.class, "c", "green", Color.RED));
        assertEquals(Color.RED, Fields.enumValue(Color.class, "c", null, Color.RED));
        assertEquals(Color.RED, Fields.enumValue(Color.class, "c", "", Color.RED));
        assertEquals("is required", assertThrows(InvalidConfigException.class,
                () -> Fields.enumValue(Color.class, "c", "", null)).problem());
        assertEquals("'blue' is not one of [RED, GREEN]", assertThrows(InvalidConfigException.class,
                () -> Fields.enumValue(Color.class, "c", "blue", Color.RED)).problem());
        assertEquals(SpiffeId.of("td", "ns", "sa"), Fields.principal("p", "td/ns/ns/sa/sa"));
        assertEquals(SpiffeId.of("td", "ns", "sa"), Fields.principal("p", "spiffe://td/ns/ns/sa/sa"));
        assertEquals("p", assertThrows(InvalidConfigException.class, () -> Fields.principal("p", "td/ns")).field());
        assertEquals("p", assertThrows(InvalidConfigException.class, () -> Fields.principal("p", null)).field());
    }
}
