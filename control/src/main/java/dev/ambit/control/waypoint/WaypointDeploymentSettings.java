package dev.ambit.control.waypoint;

/**
 * How waypoints are run, from the controller's flags.
 *
 * @param image          container image of the waypoint
 * @param controllerHost where waypoints reach the controller (its Service), e.g.
 *                       {@code ambit-controller.ambit-system.svc}
 * @param configPort     the controller's config stream port
 * @param caPort         the controller's certificate service port
 * @param tokenAudience  audience of the projected token the waypoint presents to the certificate service
 */
public record WaypointDeploymentSettings(String image, String controllerHost, int configPort, int caPort, String tokenAudience) {
}
