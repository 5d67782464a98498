package dev.ambit.runtime.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler, with its sockets kept in the epoll set from the first time they wait for an event until
 * they are deregistered.
 *
 * <p>Why: Netty 4.2 (4.2.18 to 4.2.21 at least, since its pull request 16689) removes a socket from epoll
 * ({@code EPOLL_CTL_DEL}) when the socket waits for nothing, but still takes it for added: the next time the socket
 * waits for something, Netty modifies an entry that is gone ({@code EPOLL_CTL_MOD}: ENOENT), and the channel fails.
 * A relayed socket waits for nothing once its peer's FIN has been seen (Netty stops waiting for the hang-up) while its
 * relay holds reads back and no write is pending. Then the relay's next read closes the connection, or its next write
 * that must wait for room shuts the output with the rest of the data unsent: a client that sends its request and
 * half-closes loses the answer ({@code WritesAfterPeerHalfCloseTest}).
 *
 * <p>Instead of an empty interest set, a socket that was added waits for nothing but edge-triggered: epoll reports
 * its errors and hang-ups (which it always does) once per change instead of on every wait, which is what Netty's
 * removal avoids, and the socket's entry stays, so the next change is a valid modification. Sockets that never waited
 * for an event are left to Netty, which adds them only once connected.
 */
final class EpollRegistrationKeeper implements IoHandler {

    private final IoHandler epoll;

    private EpollRegistrationKeeper(IoHandler epoll) {
        this.epoll = epoll;
    }

    /** {@code epoll} (an {@code EpollIoHandler} factory), with each handler's registrations kept in the epoll set. */
    static IoHandlerFactory around(IoHandlerFactory epoll) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new EpollRegistrationKeeper(epoll.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epoll.isChangingThreadSupported();
            }
        };
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new KeptRegistration(epoll.register(handle));
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /** One socket's registration: never submits an empty interest set once the socket is in the epoll set. */
    private static final class KeptRegistration implements IoRegistration {

        private final IoRegistration epoll;
        /** Whether Netty added the socket to the epoll set: after its first non-empty interest set. */
        private boolean added;

        KeptRegistration(IoRegistration epoll) {
            this.epoll = epoll;
        }

        @Override
        public synchronized long submit(IoOps ops) {
            boolean waitsForNothing = ((EpollIoOps) ops).value() == EpollIoOps.NONE.value();
            if (waitsForNothing && added) {
                long submitted = epoll.submit(EpollIoOps.EPOLLET);
                return submitted < 0 ? submitted : EpollIoOps.NONE.value();
            }
            long submitted = epoll.submit(ops);
            if (!waitsForNothing && submitted >= 0) {
                added = true;
            }
            return submitted;
        }

        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }
    }
}
