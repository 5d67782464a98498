package dev.ambit.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
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
}
