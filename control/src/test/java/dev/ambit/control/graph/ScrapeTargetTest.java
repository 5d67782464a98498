package dev.ambit.control.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrapeTargetTest {

    @Test
    void eachNodesTunnelAndEachGatewayPodFromTheModel(@TempDir Path dir) throws Exception {
        assertEquals(List.of(CannedScrapes.NODE1, CannedScrapes.NODE2, CannedScrapes.WAYPOINT_POD,
                        CannedScrapes.INGRESS_POD),
                ScrapeTarget.of(DemoModel.snapshot(dir)));
    }
}
