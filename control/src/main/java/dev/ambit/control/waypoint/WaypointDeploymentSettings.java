package dev.ambit.control.waypoint;

import dev.ambit.api.mesh.TracingSettings;
import java.util.Set;

/**
 * How waypoints and ingress gateways are run, from the controller's flags.
 *
 * @param image          container image of the waypoint
 * @param controllerHost where waypoints reach the controller (its Service), e.g.
 *                       {@code ambit-controller.ambit-system.svc}
 * @param configPort     the controller's config stream port
 * @param caPort         the controller's certificate service port
 * @param tokenAudience  audience of the projected token the waypoint presents to the certificate service
 * @param tracing        the mesh's span collector and sampling, given to each waypoint as its flags
 * @param ingressServiceType the Service type of ingress gateways ({@code LoadBalancer}, {@code NodePort} or
 *                       {@code ClusterIP}); a Gateway's {@value #SERVICE_TYPE_ANNOTATION} annotation overrides it
 */
public record WaypointDeploymentSettings(String image, String controllerHost, int configPort, int caPort, String tokenAudience,
        TracingSettings tracing, String ingressServiceType) {

    /** On an ingress Gateway: the type of its Service, instead of the controller's {@code --ingress-service-type}. */
    public static final String SERVICE_TYPE_ANNOTATION = "ambit.dev/service-type";
    public static final Set<String> SERVICE_TYPES = Set.of("LoadBalancer", "NodePort", "ClusterIP");

    public WaypointDeploymentSettings {
        if (!SERVICE_TYPES.contains(ingressServiceType)) {
            throw new IllegalArgumentException("ingress Service type " + ingressServiceType + " is not one of "
                    + "LoadBalancer, NodePort, ClusterIP");
        }
    }

    /** Ingress gateways get a LoadBalancer Service. */
    public WaypointDeploymentSettings(String image, String controllerHost, int configPort, int caPort,
            String tokenAudience, TracingSettings tracing) {
        this(image, controllerHost, configPort, caPort, tokenAudience, tracing, "LoadBalancer");
    }
}
