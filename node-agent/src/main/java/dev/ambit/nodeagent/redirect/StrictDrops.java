package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.BpfMap;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code strict_drops} map: plaintext connection attempts into STRICT pods that the kernel dropped, by source and
 * destination address ({@code struct ambit_flow} → u64), so a refusal can be drawn on the edge it hit. An LRU map: a
 * pair not seen for long may be gone (its count then starts again, which a Prometheus counter reset covers); the
 * node's total is {@link SteeringCounters#strictDrops()}.
 */
public final class StrictDrops {

    static final String MAP_NAME = "strict_drops";

    /** Attempts from {@code source} to {@code destination} dropped so far. */
    public record Flow(InetAddress source, InetAddress destination, long dropped) {
    }

    private StrictDrops() {
    }

    static List<Flow> read(BpfMap drops) {
        List<Flow> flows = new ArrayList<>();
        // A pair evicted between the walk and its lookup is simply missing from this scrape.
        for (byte[] key : drops.keys()) {
            drops.lookup(key).ifPresent(value -> flows.add(decode(key, value)));
        }
        return flows;
    }

    static Flow decode(byte[] key, byte[] value) {
        if (key.length != 2 * Endpoints.ADDRESS_SIZE || value.length != Long.BYTES) {
            throw new IllegalArgumentException("a strict_drops entry is a 32-byte key and an 8-byte count, not "
                    + key.length + " and " + value.length + " bytes");
        }
        ByteBuffer addresses = ByteBuffer.wrap(key);
        InetAddress source = Endpoints.address(addresses);
        InetAddress destination = Endpoints.address(addresses);
        return new Flow(source, destination, ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getLong());
    }
}
