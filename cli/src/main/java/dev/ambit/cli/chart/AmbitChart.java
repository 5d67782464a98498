package dev.ambit.cli.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.TemplateCommand;
import com.marcnuri.helm.UpgradeCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The Ambit chart in a directory, driven through the Helm library embedded by helm-java. */
public final class AmbitChart {

    /**
     * The Kubernetes version client-side rendering assumes: helm-java's own default (1.20) is older than the chart's
     * {@code kubeVersion}. An install uses the cluster's real version.
     */
    public static final String RENDER_KUBE_VERSION = "1.31.0";

    private final Path directory;

    public AmbitChart(Path directory) {
        this.directory = directory;
    }

    public LintResult lint() {
        return new Helm(directory).lint().strict().call();
    }

    /** The manifests {@code helm template} renders, without the CRDs and hooks (helm-java leaves both out). */
    public String template(ReleaseSettings release) {
        TemplateCommand template = new Helm(directory).template().withName(release.name())
                .withNamespace(release.namespace()).withKubeVersion(RENDER_KUBE_VERSION);
        release.applyValues(template::withValuesFile, template::set);
        return template.call();
    }

    /** The chart's CRDs ({@code crds/*.yaml}), as one multi-document YAML. */
    public String crds() {
        try (Stream<Path> files = Files.list(directory.resolve("crds"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted()
                    .map(AmbitChart::read).collect(Collectors.joining("---\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chart's CRDs: " + e.getMessage(), e);
        }
    }

    /** {@code helm upgrade --install --create-namespace}, waiting for readiness when asked. */
    public Release upgradeInstall(ReleaseSettings release, Optional<String> kubeconfig, boolean wait,
            int timeoutSeconds) {
        UpgradeCommand upgrade = new Helm(directory).upgrade().install().createNamespace().withName(release.name())
                .withNamespace(release.namespace());
        kubeconfig.ifPresent(upgrade::withKubeConfigContents);
        release.applyValues(upgrade::withValuesFile, upgrade::set);
        if (wait) {
            upgrade.waitReady().withTimeout(timeoutSeconds);
        }
        return upgrade.call();
    }

    private static String read(Path file) {
        try {
            String text = Files.readString(file);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A release of the chart.
     *
     * @param sets {@code --set} pairs, in order
     */
    public record ReleaseSettings(String name, String namespace, List<Path> valuesFiles, Map<String, String> sets) {

        /** Hands values files, then {@code --set} pairs, to a Helm command (Helm's own order of precedence). */
        void applyValues(Consumer<Path> valuesFile, BiConsumer<String, String> set) {
            valuesFiles.forEach(valuesFile);
            sets.forEach(set);
        }
    }
}
