package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json turns mistakes away before anything is rendered, naming the value and the problem. */
class SchemaTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "nodeAgent.privileged, maybe, /nodeAgent/privileged",
        "controller.replicas, 0, /controller/replicas",
        "nodeAgent.capabilities, ALL, nodeAgent",
        "trustDomain, Not_A_Domain, /trustDomain",
        "nodeAgent.seccompProfile.type, Localhost, localhostProfile",
        "image.pullPolicy, Sometimes, /image/pullPolicy",
        "nodeAgent.podsCgroup, kubepods.slice, /nodeAgent/podsCgroup",
        "nodeAgent.maxSurge, lots, /nodeAgent/maxSurge",
        "nodeAgent.tunnel.privileged, true, tunnel",
        "nodeAgent.socketFastPath, sometimes, /nodeAgent/socketFastPath",
        "tracing.sampling, 1.5, /tracing/sampling",
        "tracing.endpoint, collector:4318, /tracing/endpoint",
        "ingress.serviceType, External, /ingress/serviceType",
        "graph.prometheusUrl, prometheus:9090, /graph/prometheusUrl",
    })
    void invalidValuesAreRejectedWithTheirName(String key, String value, String named) {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> RenderedChart.render(key, value));
        assertTrue(error.getMessage().contains("values don't meet the specifications of the schema"), error.getMessage());
        assertTrue(error.getMessage().contains(named), error.getMessage());
    }
}
