package dev.ambit.cli.agent;

import dev.ambit.api.mesh.PrometheusText;
import dev.ambit.api.mesh.PrometheusText.Sample;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.UserException;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ambit status}: per node, the agent's config versions, enrolled pods and earliest certificate expiry, from
 * its metrics ({@value #CONFIG_VERSION}, {@value #ENROLLED}, {@value #CERT_EXPIRY}).
 */
@Command(name = "status", description = "Per node: agent readiness, config versions, enrolled pods, certificate expiry.")
public final class StatusCommand implements Callable<Integer> {

    static final String CONFIG_VERSION = "ambit_config_version_info";
    static final String ENROLLED = "ambit_bpf_enrolled_pods";
    static final String CERT_EXPIRY = "ambit_cert_expiry_seconds";
    private static final String ROW = "%-20s %-28s %-6s %-9s %-16s %s%n";

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    public StatusCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Integer call() {
        Map<String, Pod> agents = AgentPods.byNode(cluster);
        if (agents.isEmpty()) {
            throw new UserException("no node agent pods in namespace " + cluster.meshNamespace()
                    + ": is Ambit installed (ambit install)?");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(ROW, "NODE", "AGENT", "READY", "ENROLLED", "CERT EXPIRY", "CONFIG");
        agents.forEach((node, agent) -> {
            String ready = AgentPods.isReady(agent) ? "yes" : "no";
            String name = agent.getMetadata().getName();
            try {
                List<Sample> samples = PrometheusText.parseStrict(AgentMetrics.fetch(cluster, agent));
                out.printf(ROW, node, name, ready, enrolled(samples), certificateExpiry(samples), config(samples));
            } catch (UserException | IllegalArgumentException e) {
                // One unreachable agent does not hide the others.
                out.printf(ROW, node, name, ready, "-", "-", "metrics unavailable: " + e.getMessage());
            }
        });
        out.flush();
        return 0;
    }

    private static String enrolled(List<Sample> samples) {
        return samples.stream().filter(sample -> sample.name().equals(ENROLLED)).findFirst()
                .map(sample -> String.valueOf((long) sample.value())).orElse("-");
    }

    private static String certificateExpiry(List<Sample> samples) {
        List<Sample> expiries = samples.stream().filter(sample -> sample.name().equals(CERT_EXPIRY)).toList();
        if (expiries.isEmpty()) {
            return "no certs";
        }
        double earliest = expiries.stream().mapToDouble(Sample::value).min().orElseThrow();
        Duration left = Duration.ofSeconds((long) earliest);
        return (left.isNegative() ? "EXPIRED" : "in " + left.toHours() + "h" + left.toMinutesPart() + "m")
                + " (" + expiries.size() + ")";
    }

    /** {@code type@version} per resource type, versions shortened like git's. */
    private static String config(List<Sample> samples) {
        String versions = samples.stream().filter(sample -> sample.name().equals(CONFIG_VERSION))
                .map(sample -> sample.labels().getOrDefault("type", "?") + "@"
                        + abbreviate(sample.labels().getOrDefault("version", "?")))
                .sorted().collect(Collectors.joining(","));
        return versions.isEmpty() ? "-" : versions;
    }

    private static String abbreviate(String version) {
        return version.length() > 8 ? version.substring(0, 8) : version;
    }
}
