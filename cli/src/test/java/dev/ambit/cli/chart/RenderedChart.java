package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.cli.chart.AmbitChart.ReleaseSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bundled chart rendered with some values, parsed into fabric8 objects (unknown kinds as generic ones). */
final class RenderedChart {

    static final String NAMESPACE = "ambit-system";

    private final List<HasMetadata> objects;

    private RenderedChart(List<HasMetadata> objects) {
        this.objects = objects;
    }

    /** Renders with {@code sets} as {@code --set key=value} pairs, e.g. {@code "controller.replicas", "1"}. */
    static RenderedChart render(String... sets) {
        try (BundledChart bundled = BundledChart.extract()) {
            return new RenderedChart(parse(new AmbitChart(bundled.directory()).template(settings(sets))));
        }
    }

    static ReleaseSettings settings(String... sets) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < sets.length; i += 2) {
            values.put(sets[i], sets[i + 1]);
        }
        return new ReleaseSettings("ambit", NAMESPACE, List.of(), values);
    }

    static List<HasMetadata> parse(String yaml) {
        Object parsed = new KubernetesSerialization().unmarshal(yaml);
        if (parsed instanceof KubernetesList list) {
            return list.getItems();
        }
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata) parsed);
    }

    List<HasMetadata> all() {
        return objects;
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(object -> object.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
                + " rendered; rendered: " + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName())
                        .toList()));
    }

    /** Objects of a kind fabric8 has no class for (prometheus-operator's), by kind and name. */
    HasMetadata generic(String kind, String name) {
        List<HasMetadata> found = objects.stream()
                .filter(object -> kind.equals(object.getKind()) && name.equals(object.getMetadata().getName())).toList();
        assertEquals(1, found.size(), kind + " " + name);
        return found.get(0);
    }
}
