package dev.ambit.runtime.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Addresses in 127.0.0.0/8: each test peer gets its own, so that peers tell each other apart by address. */
public final class Loopback {

    private Loopback() {
    }

    public static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
