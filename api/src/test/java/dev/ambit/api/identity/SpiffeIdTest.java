package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpiffeIdTest {

    @Test
    void parsesAndFormatsTheCanonicalForm() {
        SpiffeId id = SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/hello-v1");
        assertEquals(new SpiffeId("cluster.local", "demo", "hello-v1"), id);
        assertEquals("spiffe://cluster.local/ns/demo/sa/hello-v1", id.uri());
        assertEquals(id, SpiffeId.parse(id.toString()));
    }

    @Test
    void acceptsDottedServiceAccountsAndUnderscoreTrustDomains() {
        assertEquals("build.bot", SpiffeId.parse("spiffe://corp_mesh.example/ns/ci/sa/build.bot").serviceAccount());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "spiffe://cluster.local/ns/default                   | does not have the path",
        "spiffe://cluster.local/ns/default/sa                | does not have the path",
        "spiffe://cluster.local/ns/default/sa/               | invalid service account ''",
        "spiffe://cluster.local/ns/../sa/default             | invalid namespace '..'",
        "spiffe://cluster.local/ns/default/sa/..             | invalid service account '..'",
        "spiffe://cluster.local/ns/a/sa/b/../../ns/c/sa/d    | does not have the path",
        "SPIFFE://cluster.local/ns/default/sa/default        | must start with spiffe://",
        "Spiffe://cluster.local/ns/default/sa/default        | must start with spiffe://",
        "https://cluster.local/ns/default/sa/default         | must start with spiffe://",
        "spiffe://cluster.local/ns/default/sa/default/extra  | does not have the path",
        "spiffe://cluster.local/ns/default/sa/default/       | does not have the path",
        "spiffe://cluster.local//ns/default/sa/default       | does not have the path",
        "spiffe://cluster.local/namespace/a/sa/b             | does not have the path",
        "spiffe://cluster.local:8443/ns/a/sa/b               | port in its trust domain",
        "spiffe://user@cluster.local/ns/a/sa/b               | character not allowed",
        "spiffe://cluster.local/ns/a/sa/b?x=1                | character not allowed",
        "spiffe://cluster.local/ns/a/sa/b#frag               | character not allowed",
        "spiffe://cluster.local/ns/a/sa/%62                  | character not allowed",
        "spiffe://cluster.local/ns/Default/sa/b              | invalid namespace 'Default'",
        "spiffe://Cluster.Local/ns/a/sa/b                    | invalid trust domain 'Cluster.Local'",
        "spiffe:///ns/a/sa/b                                 | invalid trust domain ''",
        "spiffe://cluster..local/ns/a/sa/b                   | invalid trust domain",
        "spiffe://cluster.local                              | has no path",
        "spiffe://cluster.local/ns/-a/sa/b                   | invalid namespace '-a'",
    })
    void rejectsMalformedIdsWithAMessageNamingTheProblem(String uri, String expected) {
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(uri));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }

    @Test
    void rejectsWhitespaceEmptyAndOverlongInput() {
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(" spiffe://cluster.local/ns/a/sa/b"));
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse("spiffe://cluster.local/ns/a/sa/b\n"));
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(""));
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(null));
        String longSa = "a".repeat(3000);
        assertThrows(InvalidSpiffeIdException.class,
                () -> SpiffeId.parse("spiffe://cluster.local/ns/a/sa/" + longSa));
    }

    @Test
    void constructorValidatesToo() {
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.of("cluster.local", "a/b", "c"));
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.of("cluster.local", "a", "c/../d"));
    }
}
