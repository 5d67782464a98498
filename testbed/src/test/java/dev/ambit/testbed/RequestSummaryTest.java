package dev.ambit.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request client's summary line, as the local demo and the kind tests read it. */
class RequestSummaryTest {

    @Test
    void readsEveryFieldOfTheLastLine() {
        RequestSummary summary = RequestSummary.parse("Picked up JDK_JAVA_OPTIONS: -XX:+UseSerialGC\n"
                + "versions=v1:101,v2:99 statuses=200:198,403:2 failures=3 p50_ms=3 p99_ms=9 max_ms=12"
                + " failure_kinds=connect_timeout:2,reset:1 rbac=demo/deny-client:2"
                + " last_failure=\"SocketException: Connection reset by peer key=value\"\n");
        assertEquals(Map.of("v1", 101, "v2", 99), summary.versions());
        assertEquals(Map.of(200, 198, 403, 2), summary.statuses());
        assertEquals(3, summary.failures());
        assertEquals(2, summary.failed(RequestSummary.CONNECT_TIMEOUT));
        assertEquals(1, summary.failed(RequestSummary.RESET));
        assertEquals(0, summary.failed(RequestSummary.REFUSED));
        assertEquals(Map.of("demo/deny-client", 2), summary.rbac());
        assertEquals(200, summary.responses());
        assertEquals(203, summary.total());
        assertEquals(3, summary.p50Millis());
        assertEquals(12, summary.maxMillis());
        assertEquals("SocketException: Connection reset by peer key=value", summary.lastFailure());
    }

    @Test
    void emptyCountsAreADashAndBatchesAddUp() {
        RequestSummary none = RequestSummary.parse(
                "versions=- statuses=- failures=2 p50_ms=-1 p99_ms=-1 max_ms=-1 failure_kinds=refused:2 rbac=-");
        assertEquals(Map.of(), none.versions());
        assertEquals(0, none.responses());
        RequestSummary answered = RequestSummary.parse(
                "versions=v1:3 statuses=200:3 failures=0 p50_ms=1 p99_ms=2 max_ms=2 failure_kinds=- rbac=-");
        RequestSummary both = RequestSummary.none().plus(none).plus(answered);
        assertEquals(5, both.total());
        assertEquals(Map.of("refused", 2), both.failureKinds());
        assertEquals(3, both.status(200));
    }

    @Test
    void somethingElseIsNotASummary() {
        assertThrows(IllegalArgumentException.class, () -> RequestSummary.parse("Exception in thread main"));
    }
}
