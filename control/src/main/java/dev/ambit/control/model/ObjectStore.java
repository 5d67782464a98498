package dev.ambit.control.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The source objects the model is built from, by type and namespace. Confined to the model thread. */
final class ObjectStore {

    private final Map<Class<?>, Map<String, Map<String, HasMetadata>>> byType = new HashMap<>();

    /** @return the object it replaces, or null */
    HasMetadata put(HasMetadata object) {
        return namespace(object.getClass(), namespaceOf(object)).put(object.getMetadata().getName(), object);
    }

    /** @return the object removed, or null */
    HasMetadata remove(HasMetadata object) {
        Map<String, HasMetadata> objects = namespace(object.getClass(), namespaceOf(object));
        return objects.remove(object.getMetadata().getName());
    }

    <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return type.cast(existing(type, namespace).get(name));
    }

    <T extends HasMetadata> List<T> inNamespace(Class<T> type, String namespace) {
        return existing(type, namespace).values().stream().map(type::cast).toList();
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return byType.getOrDefault(type, Map.of()).values().stream().map(Map::values).flatMap(Collection::stream)
                .map(type::cast).toList();
    }

    static String namespaceOf(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return namespace == null ? "" : namespace;
    }

    private Map<String, HasMetadata> existing(Class<?> type, String namespace) {
        return byType.getOrDefault(type, Map.of()).getOrDefault(namespace, Map.of());
    }

    private Map<String, HasMetadata> namespace(Class<?> type, String namespace) {
        return byType.computeIfAbsent(type, any -> new HashMap<>()).computeIfAbsent(namespace, any -> new HashMap<>());
    }
}
