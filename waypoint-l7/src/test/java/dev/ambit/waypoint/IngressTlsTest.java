package dev.ambit.waypoint;

import static dev.ambit.waypoint.testing.Mesh.backend;
import static dev.ambit.waypoint.testing.Mesh.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.tls.WorkloadCertificate;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.waypoint.inbound.GatewayListenerSource;
import dev.ambit.waypoint.inbound.ListenerCertificates;
import dev.ambit.waypoint.route.GatewayListener;
import dev.ambit.waypoint.route.GatewayPort;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTPS port of an ingress gateway: TLS 1.3 terminated with the certificate the client's SNI name picks among the
 * port's listeners, reloaded from the files when they change, then routed as on HTTP.
 */
@ExtendWith(NoLeaks.class)
class IngressTlsTest {

    private static final NamespacedName GATEWAY = NamespacedName.of("edge", "public");
    private static final TestCa CA = new TestCa();

    @TempDir
    static Path certificates;
    static TestBackend v1;
    static Transport transport = Transport.best();
    static EventLoopGroup group;
    static Waypoint ingress;
    static ListenerCertificates tls;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        v1 = TestBackend.http1("v1");
        writeRsa("legacy", "legacy");
        write("shop", "shop");
        write("wild", "wild");
        write("any", "any");
        group = transport.newEventLoopGroup(2, "test-ingress-tls");
        WaypointSettings settings = WaypointSettings.defaults();
        ingress = new Waypoint(settings, new TcpUpstreamConnector(transport, settings.upstream().connectTimeout()),
                new PrometheusRegistry());
        ingress.update(new Mesh().service("shop-v1", v1.port())
                .ingressRoute(GatewayParentRef.of(GATEWAY), List.of(), rule(List.of(), backend("shop-v1", 1)))
                .config());
        tls = new ListenerCertificates(List.of(
                new ListenerCertificates.Entry("shop", Optional.of("shop.example.com"), certificates.resolve("shop")),
                new ListenerCertificates.Entry("legacy", Optional.of("legacy.example.com"),
                        certificates.resolve("legacy")),
                new ListenerCertificates.Entry("wild", Optional.of("*.example.com"), certificates.resolve("wild")),
                new ListenerCertificates.Entry("any", Optional.empty(), certificates.resolve("any"))));
        GatewayListenerSource source = new GatewayListenerSource(transport, group,
                new InetSocketAddress("127.0.0.1", 0), new GatewayPort(GATEWAY, 443, List.of(
                        new GatewayListener(GATEWAY, "shop", 443, Optional.of("shop.example.com")),
                        new GatewayListener(GATEWAY, "legacy", 443, Optional.of("legacy.example.com")),
                        new GatewayListener(GATEWAY, "wild", 443, Optional.of("*.example.com")),
                        new GatewayListener(GATEWAY, "any", 443, Optional.empty()))),
                1000, Optional.of(tls));
        ingress.listen(source);
        port = source.address().getPort();
    }

    @AfterAll
    static void stop() {
        ingress.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        v1.close();
    }

    /** A certificate whose URI SAN names {@code serviceAccount}: which one the gateway served shows in the test. */
    private static void write(String directory, String serviceAccount) throws IOException {
        WorkloadCertificate certificate = CA.issue(SpiffeId.of("cluster.local", "edge", serviceAccount),
                Duration.ofHours(1));
        Path dir = Files.createDirectories(certificates.resolve(directory));
        Files.writeString(dir.resolve("tls.crt"), Pem.encode(certificate.chain()));
        Files.writeString(dir.resolve("tls.key"), Pem.encodePrivateKey(certificate.key()));
    }

    /**
     * An RSA certificate with its key in PKCS#1 ("RSA PRIVATE KEY"), the form many existing Secrets hold: self-signed,
     * since which certificate is served is what the tests check.
     */
    private static void writeRsa(String directory, String serviceAccount) throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair keys = generator.generateKeyPair();
        java.time.Instant now = java.time.Instant.now();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=" + serviceAccount);
        org.bouncycastle.cert.X509v3CertificateBuilder builder =
                new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                        java.util.Date.from(now.minusSeconds(60)), java.util.Date.from(now.plusSeconds(3600)), name,
                        keys.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier,
                        SpiffeId.of("cluster.local", "edge", serviceAccount).uri())));
        X509Certificate certificate = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA")
                        .build(keys.getPrivate())));
        byte[] pkcs1 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded())
                .parsePrivateKey().toASN1Primitive().getEncoded();
        Path dir = Files.createDirectories(certificates.resolve(directory));
        Files.writeString(dir.resolve("tls.crt"), Pem.encode(certificate));
        Files.writeString(dir.resolve("tls.key"), Pem.encode("RSA PRIVATE KEY", pkcs1));
    }

    /** One HTTPS request with SNI {@code serverName} (none when null): the served certificate's name and the answer. */
    private static List<String> get(String serverName, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // Which certificate was served is what this test checks, not whether a browser would trust it.
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            String identity = URI.create((String) served.getSubjectAlternativeNames().iterator().next().get(1))
                    .getPath();
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + (serverName == null ? "example.org" : serverName)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return List.of(identity.substring(identity.lastIndexOf('/') + 1),
                    response.substring(0, response.indexOf("\r\n")), response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    @Test
    void theClientsServerNamePicksTheListenersCertificate() throws Exception {
        assertEquals(List.of("shop", "HTTP/1.1 200 OK", "v1"), get("shop.example.com", "TLSv1.3"));
        assertEquals("wild", get("www.example.com", "TLSv1.3").get(0));
        assertEquals("any", get("example.org", "TLSv1.3").get(0), "no listener names it: the one without hostname");
        assertEquals("any", get(null, "TLSv1.3").get(0), "no SNI: the one without hostname");
    }

    @Test
    void anRsaCertificateWithAPkcs1KeyIsServed() throws Exception {
        assertEquals(List.of("legacy", "HTTP/1.1 200 OK", "v1"), get("legacy.example.com", "TLSv1.3"));
    }

    @Test
    void aClientThatNeverSendsItsClientHelloIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (java.net.Socket idle = new java.net.Socket("127.0.0.1", port)) {
            idle.setSoTimeout((int) GatewayListenerSource.HANDSHAKE_TIMEOUT.plusSeconds(10).toMillis());
            long start = System.nanoTime();
            assertEquals(-1, idle.getInputStream().read(), "closed without a byte");
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(
                    GatewayListenerSource.HANDSHAKE_TIMEOUT.minusSeconds(1)) >= 0, "closed by the timeout, not before");
        }
    }

    @Test
    void onlyTls13IsServed() {
        assertThrows(IOException.class, () -> get("shop.example.com", "TLSv1.2"));
    }

    @Test
    void anUnreadableCertificateKeepsTheLastGoodOnesAndLaterReloadsStillWork() throws Exception {
        Path key = certificates.resolve("shop").resolve("tls.key");
        String good = Files.readString(key);
        Files.delete(key);
        try {
            assertFalse(tls.reload(), "a missing key: the last good certificates stay");
            assertEquals("shop", get("shop.example.com", "TLSv1.3").get(0));
            Files.writeString(key, "not a key");
            assertFalse(tls.reload(), "an invalid key: the last good certificates stay");
        } finally {
            Files.writeString(key, good);
        }
        assertEquals("shop", get("shop.example.com", "TLSv1.3").get(0));
    }

    @Test
    void aChangedCertificateIsServedToNewConnections() throws Exception {
        assertFalse(tls.reload(), "unchanged files: nothing to do");
        write("wild", "wild-renewed");
        assertTrue(tls.reload());
        assertEquals("wild-renewed", get("api.example.com", "TLSv1.3").get(0));
        assertEquals("shop", get("shop.example.com", "TLSv1.3").get(0));
    }
}
