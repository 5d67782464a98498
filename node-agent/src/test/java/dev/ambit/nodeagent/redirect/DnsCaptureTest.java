package dev.ambit.nodeagent.redirect;

import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP4;
import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.testing.Probe;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.nodeagent.testing.TestNode;
import dev.ambit.nodeagent.testing.TestPod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS capture on the real kernel: an enrolled pod's DNS, to whatever server it names, reaches a stand-in for the
 * tunnel's DNS proxy on the node, and the answer (and the connected peer) shows the server the pod asked, which is
 * what a resolver checks before it takes an answer. The cluster DNS address (a service VIP) is unreachable from the
 * pods, as in the steering tests: only a captured query can be answered.
 */
@RequiresPrivileges
class DnsCaptureTest {

    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");
    /** The address the stand-in proxy answers every A question with. */
    private static final String ANSWER = "10.96.7.7";
    private static final String NAME = "hello.shop.svc.cluster.local";

    private TestNode node;
    private TestPod pod;
    private Probe proxy;
    private InetSocketAddress proxyAddress;
    private InetSocketAddress tunnelAddress;

    @BeforeEach
    void createNodeWithPodAndProxy() {
        node = TestNode.create();
        pod = node.addPod();
        proxy = node.track(node.probe("dns-serve", TestNode.tunnelIpv4(), "0", ANSWER));
        proxyAddress = new InetSocketAddress(TestNode.tunnelIpv4(), Integer.parseInt(proxy.await("LISTENING")[1]));
        Probe tunnel = node.track(node.probe("serve", TestNode.tunnelIpv4(), "0"));
        tunnelAddress = new InetSocketAddress(TestNode.tunnelIpv4(), Integer.parseInt(tunnel.await("LISTENING")[1]));
    }

    @AfterEach
    void removeEverything() {
        node.close();
    }

    @Test
    void anEnrolledPodsUnconnectedUdpQueryReachesTheProxyAndItsAnswerComesFromTheServerItAsked() {
        start(proxyAddress).enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("dns-ask", "udp", SERVICE_VIP4, "53", NAME)) {
            String[] query = proxy.await("QUERY");
            assertEquals(List.of("udp", pod.ipv4(), NAME), List.of(query[1], query[2], query[4]),
                    "the query reached the proxy from the pod's own address (the proxy answers by the asking pod)");
            assertEquals(List.of(SERVICE_VIP4, "53", ANSWER), List.of(client.await("ANSWER")).subList(1, 4),
                    "the answer appears to come from the server the pod asked");
        }
    }

    @Test
    void aConnectedUdpSocketSeesTheServerItAskedAsItsPeerAndAsTheAnswersSource() {
        start(proxyAddress).enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("dns-ask", "udp-connected", SERVICE_VIP4, "53", NAME)) {
            assertEquals(List.of(SERVICE_VIP4, "53"), List.of(client.await("PEER")).subList(1, 3), "getpeername");
            assertEquals("udp", proxy.await("QUERY")[1]);
            assertEquals(List.of(SERVICE_VIP4, "53", ANSWER), List.of(client.await("ANSWER")).subList(1, 4));
        }
    }

    @Test
    void dnsOverTcpGoesToTheProxyNotToTheTunnelsOutboundListener() {
        BpfRedirector redirector = start(proxyAddress);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("dns-ask", "tcp", SERVICE_VIP4, "53", NAME)) {
            assertEquals(List.of(SERVICE_VIP4, "53"), List.of(client.await("PEER")).subList(1, 3), "getpeername");
            String[] query = proxy.await("QUERY");
            assertEquals(List.of("tcp", pod.ipv4(), NAME), List.of(query[1], query[2], query[4]));
            assertEquals(ANSWER, client.await("ANSWER")[3]);
        }
        assertEquals(0, redirector.counters().redirects(), "the DNS connection was not steered to the tunnel");
    }

    @Test
    void anIpv6ServerIsAskedThroughTheProxysIpv6AddressAndADualStackSocketThroughItsIpv4One() {
        Probe proxy6 = node.track(node.probe("dns-serve", TestNode.tunnelIpv6(), "0", ANSWER));
        InetSocketAddress proxy6Address = new InetSocketAddress(TestNode.tunnelIpv6(),
                Integer.parseInt(proxy6.await("LISTENING")[1]));
        start(proxyAddress, proxy6Address).enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("dns-ask", "udp", SERVICE_VIP6, "53", NAME)) {
            assertEquals(List.of("udp", pod.ipv6()), List.of(proxy6.await("QUERY")).subList(1, 3));
            assertEquals(List.of(SERVICE_VIP6, "53", ANSWER), List.of(client.await("ANSWER")).subList(1, 4));
        }
        String mapped = "::ffff:" + SERVICE_VIP4;
        try (Probe client = pod.probe("dns-ask", "udp", mapped, "53", NAME)) {
            assertEquals("udp", proxy.await("QUERY")[1]);
            assertEquals(List.of(mapped, "53", ANSWER), List.of(client.await("ANSWER")).subList(1, 4));
        }
    }

    @Test
    void glibcsResolverTakesTheCapturedAnswer() throws IOException {
        start(proxyAddress).enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        Path resolvConf = resolvConf("nameserver " + SERVICE_VIP4 + "\nsearch shop.svc.cluster.local svc.cluster.local"
                + " cluster.local\noptions ndots:5 attempts:1 timeout:2\n");

        try (Probe client = pod.probeWithResolvConf(resolvConf, "resolve", "hello")) {
            assertEquals(ANSWER, client.await("RESOLVED")[1]);
            assertEquals(NAME, proxy.await("QUERY")[4], "the search path's first form, as a pod asks");
        } finally {
            Files.deleteIfExists(resolvConf);
        }
    }

    @Test
    void podsOutsideTheMeshAndPodsThatOptedOutAreLeftAlone() {
        BpfRedirector redirector = start(proxyAddress);
        TestPod optedOut = node.addPod();
        TestPod outsider = node.addPod();
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        redirector.enroller().enroll(optedOut.cgroup(), optedOut.addresses(), CART, PodMode.PERMISSIVE, false);
        assertTrue(redirector.enroller().enrolledPods().stream()
                        .anyMatch(enrolled -> !enrolled.dnsCapture()),
                "the opt-out is kept in the pinned map");

        for (TestPod leftAlone : List.of(optedOut, outsider)) {
            try (Probe client = leftAlone.probe("dns-ask", "udp", SERVICE_VIP4, "53", NAME)) {
                client.await("NO_ANSWER");
            }
        }
        try (Probe otherPort = pod.probe("dns-ask", "udp", SERVICE_VIP4, "5353", NAME)) {
            otherPort.await("NO_ANSWER");
        }
        // The enrolled pod's query is the proxy's first: none of the above reached it.
        try (Probe client = pod.probe("dns-ask", "udp", SERVICE_VIP4, "53", "after.shop.svc.cluster.local")) {
            assertEquals("after.shop.svc.cluster.local", proxy.await("QUERY")[4]);
            client.await("ANSWER");
        }
    }

    @Test
    void withoutDnsCaptureAnEnrolledPodsDnsIsLeftAlone() {
        start(null).enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("dns-ask", "udp", SERVICE_VIP4, "53", NAME)) {
            client.await("NO_ANSWER");
        }
    }

    private BpfRedirector start(InetSocketAddress dns4) {
        return start(dns4, null);
    }

    private BpfRedirector start(InetSocketAddress dns4, InetSocketAddress dns6) {
        RedirectorConfig steering = node.config(tunnelAddress, null, false);
        return node.track(BpfRedirector.start(new RedirectorConfig(steering.pinRoot(), steering.podsCgroup(),
                steering.tunnelCgroup(), steering.tunnel4(), null, false, dns4, dns6)));
    }

    private static Path resolvConf(String content) {
        try {
            Path file = Files.createTempFile("ambit-resolv", ".conf");
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
