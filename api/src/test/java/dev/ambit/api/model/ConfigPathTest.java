package dev.ambit.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigPathTest {

    @Test
    void prefixesFieldsAndElementsAndNamesTheOuterObject() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigPath.within(
                "HttpRoute demo/r",
                () -> ConfigPath.each("rules", List.of("ok", "bad"), rule -> ConfigPath.at("filters", () -> {
                    if (rule.equals("bad")) {
                        throw new InvalidConfigException("RouteFilters", "mirrors[0].percentage", "150 is not within 0..100");
                    }
                    return rule;
                }))));

        assertEquals("HttpRoute demo/r: rules[1].filters.mirrors[0].percentage: 150 is not within 0..100", e.getMessage());
        assertEquals("HttpRoute demo/r", e.object());
        assertEquals("rules[1].filters.mirrors[0].percentage", e.field());
        assertEquals("150 is not within 0..100", e.problem());
    }

    @Test
    void aProblemWithoutFieldTakesTheFieldOfItsHolder() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigPath.within("Workload demo/a",
                () -> ConfigPath.each("addresses", List.of("10.0.0.1", "10.0.0.300"), IpLiteral::parse)));

        assertEquals("Workload demo/a: addresses[1]: '10.0.0.300' is not an IP address", e.getMessage());
    }

    @Test
    void keepsTheStackTraceOfTheOriginalFailure() {
        InvalidConfigException original = new InvalidConfigException("FaultAbort", "percentage", "150 is not within 0..100");
        InvalidConfigException wider = original.at("fault.abort").in("TrafficPolicy demo/hello");

        assertEquals("TrafficPolicy demo/hello: fault.abort.percentage: 150 is not within 0..100", wider.getMessage());
        assertEquals(List.of(original.getStackTrace()), List.of(wider.getStackTrace()));
    }

    @Test
    void buildsEveryElementWhenValid() {
        assertEquals(List.of(3, 5), ConfigPath.each("names", List.of("abc", "hello"), String::length));
    }
}
