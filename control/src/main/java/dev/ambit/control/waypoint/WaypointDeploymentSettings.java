package dev.ambit.control.waypoint;

import dev.ambit.api.mesh.TracingSettings;

/**
 * How waypoints are run, from the controller's flags.
 *
 * @param image          container image of the waypoint
 * @param controllerHost where waypoints reach the controller (its Service), e.g.
 *                       {@code ambit-controller.ambit-system.svc}
 * @param configPort     the controller's config stream port
 * @param caPort         the controller's certificate service port
 * @param tokenAudience  audience of the projected token the waypoint presents to the certificate service
 * @param tracing        the mesh's span collector and sampling, given to each waypoint as its flags
 */
public record WaypointDeploymentSettings(String image, String controllerHost, int configPort, int caPort, String tokenAudience,
        TracingSettings tracing) {
}
