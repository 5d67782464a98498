package dev.ambit.cli;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.function.Supplier;

/** Gateway API calls of the {@code waypoint} and {@code ingress} commands: missing CRDs are named, with the fix. */
public final class GatewayApi {

    private GatewayApi() {
    }

    /** Runs a Gateway API call; an unknown resource type means the Gateway API CRDs are missing. */
    public static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw new UserException("the Gateway API CRDs are not installed (" + String.join(", ",
                        MeshNames.GATEWAY_API_CRDS) + "): " + what + " are Gateway API Gateways; install the Gateway"
                        + " API standard CRDs first");
            }
            throw e;
        }
    }

    /** The Gateways of {@code namespace}, or of every namespace when it is null or {@code all}. */
    public static List<Gateway> list(KubernetesCluster cluster, String what, String namespace, boolean all) {
        return call(what, () -> namespace == null || all
                ? cluster.client().resources(Gateway.class).inAnyNamespace().list().getItems()
                : cluster.client().resources(Gateway.class).inNamespace(namespace).list().getItems());
    }

    /**
     * The Gateway {@code namespace/name} to delete, which must be of {@code gatewayClass}: another controller's
     * Gateway of the same name is never touched.
     *
     * @param kind what the command calls it ("waypoint", "ingress gateway")
     */
    public static Gateway ownGateway(KubernetesCluster cluster, String what, String kind, String gatewayClass,
            String namespace, String name) {
        Gateway gateway = call(what, () -> cluster.client().resources(Gateway.class).inNamespace(namespace)
                .withName(name).get());
        if (gateway == null) {
            throw new UserException("no " + kind + " " + name + " in namespace " + namespace);
        }
        if (!isOfClass(gateway, gatewayClass)) {
            throw new UserException("Gateway " + namespace + "/" + name + " is not an Ambit " + kind + " (class "
                    + gateway.getSpec().getGatewayClassName() + "); not deleting it");
        }
        return gateway;
    }

    public static boolean isOfClass(Gateway gateway, String gatewayClass) {
        return gateway.getSpec() != null && gatewayClass.equals(gateway.getSpec().getGatewayClassName());
    }
}
