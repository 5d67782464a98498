package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeCertificates;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The HBONE contexts, built from a certificate without a key store, authenticate both ends with either provider. */
@ExtendWith(LeakDetectorExtension.class)
class TlsContextFactoryTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");

    private final TestCa ca = new TestCa();

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void mutualHandshakePresentsEachSidesCertificate(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(),
                "BoringSSL (netty-tcnative) does not load here: " + OpenSsl.unavailabilityCause());
        TlsContextFactory factory = new TlsContextFactory(provider, ca.trustBundle(), Clock.systemUTC());
        SslContext serverContext = factory.server(ca.issue(SERVER, Duration.ofHours(1)));
        SslContext clientContext = factory.client(ca.issue(CLIENT, Duration.ofHours(1)));
        EmbeddedChannel server = new EmbeddedChannel();
        EmbeddedChannel client = new EmbeddedChannel();
        try {
            SslHandler serverTls = serverContext.newHandler(server.alloc());
            SslHandler clientTls = clientContext.newHandler(client.alloc(), ServerNames.of(SERVER), 15008);
            server.pipeline().addLast(serverTls);
            client.pipeline().addLast(clientTls);
            for (int round = 0; round < 20 && !(serverTls.handshakeFuture().isDone()
                    && clientTls.handshakeFuture().isDone()); round++) {
                relay(client, server);
                relay(server, client);
            }
            assertTrue(clientTls.handshakeFuture().isSuccess(), () -> "client: " + clientTls.handshakeFuture().cause());
            assertTrue(serverTls.handshakeFuture().isSuccess(), () -> "server: " + serverTls.handshakeFuture().cause());
            assertEquals(CLIENT, SpiffeCertificates.identityOf(
                    (X509Certificate) serverTls.engine().getSession().getPeerCertificates()[0]));
            assertEquals(SERVER, SpiffeCertificates.identityOf(
                    (X509Certificate) clientTls.engine().getSession().getPeerCertificates()[0]));
            assertEquals("TLSv1.3", clientTls.engine().getSession().getProtocol());
        } finally {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
            ReferenceCountUtil.release(serverContext);
            ReferenceCountUtil.release(clientContext);
        }
    }

    /** Moves what {@code from} wrote into {@code to}, as a socket would. */
    private static void relay(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        ByteBuf bytes;
        while ((bytes = from.readOutbound()) != null) {
            to.writeInbound(bytes);
        }
        to.runPendingTasks();
    }
}
