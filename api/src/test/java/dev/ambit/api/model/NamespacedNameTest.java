package dev.ambit.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamespacedNameTest {

    @Test
    void parsesAndPrintsNamespaceSlashName() {
        NamespacedName name = NamespacedName.parse("demo/hello.v1");
        assertEquals(NamespacedName.of("demo", "hello.v1"), name);
        assertEquals("demo/hello.v1", name.toString());
        assertTrue(NamespacedName.of("a", "z").compareTo(NamespacedName.of("b", "a")) < 0);
    }

    @Test
    void acceptsNamesAtTheKubernetesLimits() {
        NamespacedName.of("a".repeat(63), "b".repeat(253));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Demo", "-demo", "demo-", "de_mo", "de.mo", ""})
    void refusesANamespaceThatIsNotADnsLabel(String namespace) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> NamespacedName.of(namespace, "a"));
        assertEquals("NamespacedName: namespace: '" + namespace
                + "' is not a DNS label (lower-case letters, digits and '-', at most 63 characters)", e.getMessage());
    }

    @Test
    void refusesTooLongNames() {
        assertThrows(InvalidConfigException.class, () -> NamespacedName.of("a".repeat(64), "a"));
        assertEquals("name", assertThrows(InvalidConfigException.class,
                () -> NamespacedName.of("a", "b".repeat(254))).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "/hello", "demo/", "demo/a/b"})
    void refusesMalformedText(String text) {
        assertThrows(InvalidConfigException.class, () -> NamespacedName.parse(text));
    }

    @Test
    void refusesNull() {
        assertEquals("NamespacedName: namespace: is required",
                assertThrows(InvalidConfigException.class, () -> NamespacedName.of(null, "a")).getMessage());
    }
}
