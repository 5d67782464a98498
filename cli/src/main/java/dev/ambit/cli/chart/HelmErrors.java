package dev.ambit.cli.chart;

/** Helm's error messages, said plainly where Helm is terse. */
final class HelmErrors {

    private HelmErrors() {
    }

    static String describe(String message) {
        String text = message == null ? "Helm failed without a message" : message.strip();
        if (text.contains("Kubernetes cluster unreachable")) {
            return "cannot reach the Kubernetes API server (" + text + "); is the cluster running, and does your"
                    + " kubeconfig point at it?";
        }
        if (text.contains("values don't meet the specifications of the schema")) {
            return "invalid chart values, nothing was installed: " + text;
        }
        if (text.contains("forbidden")) {
            return "no permission: installing Ambit needs cluster-admin rights (it creates CRDs, ClusterRoles and a"
                    + " DaemonSet): " + text;
        }
        return "helm: " + text;
    }
}
