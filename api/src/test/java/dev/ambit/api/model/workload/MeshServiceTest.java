package dev.ambit.api.model.workload;

import static dev.ambit.api.model.ConfigAssertions.assertInvalid;
import static dev.ambit.api.model.ModelFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.model.ModelFixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeshServiceTest {

    private static final MeshService HELLO = ModelFixtures.service();

    @Test
    void findsPortsByNumber() {
        assertEquals(Optional.of("grpc"), HELLO.port(9090).map(ServicePort::name));
        assertEquals(Optional.empty(), HELLO.port(443));
        assertEquals("demo/hello", HELLO.resourceName());
    }

    @Test
    void copiesWhatItIsGiven() {
        List<ServicePort> ports = new ArrayList<>(HELLO.ports());
        Map<Integer, Integer> endpointPorts = new HashMap<>(Map.of(80, 8080));
        Endpoint endpoint = new Endpoint("uid-1", ip("10.244.1.17"), endpointPorts);
        MeshService service = new MeshService(HELLO.name(), HELLO.hostname(), HELLO.vips(), ports, List.of(endpoint),
                Optional.empty(), Map.of());

        ports.clear();
        endpointPorts.put(9090, 9090);

        assertEquals(HELLO.ports(), service.ports());
        assertEquals(Map.of(80, 8080), service.endpoints().get(0).ports());
    }

    @Test
    void allowsOneUnnamedPort() {
        new MeshService(HELLO.name(), HELLO.hostname(), List.of(), List.of(new ServicePort("", 80, 8080, Optional.empty())),
                List.of(), Optional.empty(), Map.of());
    }

    @Test
    void nestedRecordsNameThemselvesUntilTheirHolderDoes() {
        assertInvalid("ServicePort: port: 0 is not within 1..65535", () -> new ServicePort("http", 0, 8080, Optional.empty()));
        assertInvalid("Endpoint: address: is required", () -> new Endpoint("uid-1", null, Map.of()));
    }
}
