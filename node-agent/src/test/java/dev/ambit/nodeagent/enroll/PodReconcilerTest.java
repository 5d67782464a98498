package dev.ambit.nodeagent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.EnrolledPod;
import dev.ambit.nodeagent.redirect.PodMode;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.nodeagent.testing.TestNode;
import dev.ambit.nodeagent.testing.TestPod;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The enrolled map follows config: new pods in, changed pods updated, departed pods out, missing cgroups pending. */
@RequiresPrivileges
class PodReconcilerTest {

    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");
    private static final SpiffeId CART_V2 = SpiffeId.of("cluster.local", "shop", "cart-v2");

    private TestNode node;
    private BpfRedirector redirector;
    private PodReconciler reconciler;

    @BeforeEach
    void start() {
        node = TestNode.create();
        redirector = BpfRedirector.start(node.config(new InetSocketAddress(TestNode.tunnelIpv4(), 15001), null, false));
        reconciler = new PodReconciler(redirector.enroller(), new PodCgroupLocator(node.podsCgroup()));
    }

    @AfterEach
    void stop() {
        redirector.close();
        node.close();
    }

    @Test
    void followsConfig() {
        TestPod pod = node.addPod(); // cgroup "pod1": pod UID "1"
        DesiredPod cart = new DesiredPod("1", pod.addresses(), CART, PodMode.PERMISSIVE);
        DesiredPod notScheduledYet = new DesiredPod("2", List.of(), CART, PodMode.PERMISSIVE);

        assertEquals(new PodReconciler.Result(1, 0, 0, 1), reconciler.reconcile(List.of(cart, notScheduledYet)));
        assertEquals(new PodReconciler.Result(0, 0, 0, 1), reconciler.reconcile(List.of(cart, notScheduledYet)),
                "nothing to do twice");

        DesiredPod strict = new DesiredPod("1", pod.addresses(), CART_V2, PodMode.STRICT);
        assertEquals(new PodReconciler.Result(0, 1, 0, 0), reconciler.reconcile(List.of(strict)));
        EnrolledPod enrolled = redirector.enroller().enrolledPods().get(0);
        assertEquals(CART_V2, enrolled.identity());
        assertEquals(PodMode.STRICT, enrolled.mode());

        assertEquals(new PodReconciler.Result(0, 0, 1, 0), reconciler.reconcile(List.of()));
        assertEquals(0, redirector.enroller().enrolledCount());
    }
}
