package dev.ambit.nodeagent.redirect;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ambit_endpoint} (20 bytes): {@code u8 addr[16]; __be16 port; u16 pad;}. Addresses
 * are IPv6 in network order with IPv4 as IPv4-mapped ({@code ::ffff:a.b.c.d}), which is also what
 * {@link InetAddress#getByAddress(byte[])} turns back into an {@link java.net.Inet4Address}.
 */
final class Endpoints {

    static final int ADDRESS_SIZE = 16;
    static final int SIZE = 20;

    private Endpoints() {
    }

    static byte[] encode(InetSocketAddress endpoint) {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        put(buffer, endpoint);
        return buffer.array();
    }

    /** Writes at the buffer's position; a null endpoint is written as all zeroes (unset). */
    static void put(ByteBuffer buffer, InetSocketAddress endpoint) {
        if (endpoint == null) {
            buffer.put(new byte[SIZE]);
            return;
        }
        buffer.put(addressBytes(endpoint.getAddress()));
        buffer.order(ByteOrder.BIG_ENDIAN).putShort((short) endpoint.getPort()).putShort((short) 0);
    }

    static InetSocketAddress decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        InetAddress address = address(buffer);
        return new InetSocketAddress(address, Short.toUnsignedInt(buffer.getShort()));
    }

    /** Reads 16 address bytes at the buffer's position. */
    static InetAddress address(ByteBuffer buffer) {
        byte[] address = new byte[ADDRESS_SIZE];
        buffer.get(address);
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }

    static byte[] addressBytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == ADDRESS_SIZE) {
            return raw;
        }
        byte[] mapped = new byte[ADDRESS_SIZE];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, raw.length);
        return mapped;
    }
}
