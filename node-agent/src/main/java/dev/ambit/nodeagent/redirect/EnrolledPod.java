package dev.ambit.nodeagent.redirect;

import dev.ambit.api.identity.SpiffeId;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod in the mesh: its cgroup, addresses, identity, mode and whether its DNS is captured. Stored as the value of
 * the {@code enrolled} map, {@code struct ambit_pod} (328 bytes):
 * {@code u32 mode; u32 addr_count; u8 addrs[4][16]; char identity[256];} with host-order integers,
 * so that a restarted agent finds complete enrollments in the pinned map. {@code mode} holds the {@link PodMode} in
 * its low byte and per-pod flags above it, so the layout stays what earlier agents pinned.
 */
public record EnrolledPod(long cgroupId, List<InetAddress> addresses, SpiffeId identity, PodMode mode,
                          boolean dnsCapture) {

    /** {@code AMBIT_MODE_MASK}: the {@link PodMode} part of {@code mode}. */
    private static final int MODE_MASK = 0xff;
    /** {@code AMBIT_POD_NO_DNS_CAPTURE}: set when the pod's DNS is left alone. */
    private static final int NO_DNS_CAPTURE = 1 << 8;
    static final int MAX_ADDRESSES = 4;
    static final int IDENTITY_SIZE = 256;
    static final int SIZE = 8 + MAX_ADDRESSES * Endpoints.ADDRESS_SIZE + IDENTITY_SIZE;

    public EnrolledPod {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("a pod has 1 to " + MAX_ADDRESSES + " addresses, got " + addresses);
        }
        if (identity.uri().getBytes(StandardCharsets.UTF_8).length >= IDENTITY_SIZE) {
            throw new IllegalArgumentException("identity longer than " + (IDENTITY_SIZE - 1) + " bytes: " + identity);
        }
    }

    /** A pod whose DNS is captured (when the node captures DNS at all). */
    public EnrolledPod(long cgroupId, List<InetAddress> addresses, SpiffeId identity, PodMode mode) {
        this(cgroupId, addresses, identity, mode, true);
    }

    byte[] encodeValue() {
        ByteBuffer value = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        value.putInt(mode.kernelValue() | (dnsCapture ? 0 : NO_DNS_CAPTURE)).putInt(addresses.size());
        addresses.forEach(address -> value.put(Endpoints.addressBytes(address)));
        value.position(8 + MAX_ADDRESSES * Endpoints.ADDRESS_SIZE);
        value.put(identity.uri().getBytes(StandardCharsets.UTF_8));
        return value.array();
    }

    static EnrolledPod decode(long cgroupId, byte[] bytes) {
        ByteBuffer value = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        int modeAndFlags = value.getInt();
        PodMode mode = PodMode.ofKernelValue(modeAndFlags & MODE_MASK);
        int count = value.getInt();
        // The count comes from the map, not from us: sized by it, the list could ask for gigabytes, and a count
        // beyond the four slots would read the identity as addresses (found by BpfRecordFuzzTest).
        if (count < 1 || count > MAX_ADDRESSES) {
            throw new IllegalArgumentException("enrolled pod record has " + count + " addresses; 1 to "
                    + MAX_ADDRESSES + " fit");
        }
        List<InetAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(Endpoints.address(value));
        }
        int identityStart = 8 + MAX_ADDRESSES * Endpoints.ADDRESS_SIZE;
        int identityEnd = identityStart;
        while (identityEnd < SIZE && bytes[identityEnd] != 0) {
            identityEnd++;
        }
        String uri = new String(bytes, identityStart, identityEnd - identityStart, StandardCharsets.UTF_8);
        return new EnrolledPod(cgroupId, addresses, SpiffeId.parse(uri), mode, (modeAndFlags & NO_DNS_CAPTURE) == 0);
    }

    static byte[] encodeKey(long cgroupId) {
        return ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder()).putLong(cgroupId).array();
    }

    static long decodeKey(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.nativeOrder()).getLong();
    }
}
