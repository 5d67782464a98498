package dev.ambit.nodeagent.redirect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.identity.SpiffeId;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnrolledPodTest {

    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");

    @Test
    void survivesTheRoundTripThroughTheMapValue() throws Exception {
        EnrolledPod pod = new EnrolledPod(4242, List.of(InetAddress.getByName("10.244.1.2"), InetAddress.getByName("fd00:a3b:1::2")),
                CART, PodMode.STRICT);

        byte[] value = pod.encodeValue();

        assertEquals(EnrolledPod.SIZE, value.length);
        assertEquals(328, value.length, "sizeof(struct ambit_pod)");
        assertEquals(1, ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt(0), "mode is read by the kernel at offset 0");
        assertEquals(pod, EnrolledPod.decode(EnrolledPod.decodeKey(EnrolledPod.encodeKey(4242)), value));
    }

    @Test
    void aPodWhoseDnsIsLeftAloneCarriesTheFlagAboveItsModeByte() throws Exception {
        EnrolledPod pod = new EnrolledPod(7, List.of(InetAddress.getByName("10.244.1.2")), CART, PodMode.STRICT, false);

        byte[] value = pod.encodeValue();

        assertEquals(1 | 1 << 8, ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt(0),
                "AMBIT_MODE_STRICT | AMBIT_POD_NO_DNS_CAPTURE");
        assertEquals(pod, EnrolledPod.decode(7, value));
        assertEquals(true, EnrolledPod.decode(7, new EnrolledPod(7, pod.addresses(), CART, PodMode.STRICT)
                .encodeValue()).dnsCapture(), "a record of an earlier agent (no flag) is captured, the default");
    }

    @Test
    void refusesMoreAddressesThanTheMapHolds() throws Exception {
        InetAddress address = InetAddress.getByName("10.244.1.2");

        assertThrows(IllegalArgumentException.class,
                () -> new EnrolledPod(1, List.of(address, address, address, address, address), CART, PodMode.PERMISSIVE));
    }
}
