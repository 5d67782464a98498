package dev.ambit.nodeagent.cni.install;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin's entry in the conflist (docs/cni.md): paths are the host's, as the container runtime runs the plugin
 * on the host.
 *
 * @param socket                the node agent's enroll socket
 * @param ambientNamespacesFile the agent's list of ambient namespaces, read when the agent cannot be reached
 * @param failClosed            whether ADD fails for a pod of an ambient namespace the agent cannot enroll
 * @param timeoutMs             how long ADD waits for the agent's answer
 */
public record PluginSettings(String socket, String ambientNamespacesFile, boolean failClosed, int timeoutMs) {

    public static final String TYPE = "ambit-cni";

    Map<String, Object> entry() {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", TYPE);
        entry.put("socket", socket);
        entry.put("ambientNamespacesFile", ambientNamespacesFile);
        entry.put("failClosed", failClosed);
        entry.put("timeoutMs", BigDecimal.valueOf(timeoutMs));
        return entry;
    }
}
