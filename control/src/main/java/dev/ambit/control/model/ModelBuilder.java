package dev.ambit.control.model;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.crd.AuthorizationPolicyResource;
import dev.ambit.control.crd.PeerAuthenticationResource;
import dev.ambit.control.crd.RequestAuthenticationResource;
import dev.ambit.control.crd.TrafficPolicyResource;
import dev.ambit.control.model.convert.GatewayAttachment;
import dev.ambit.control.model.convert.HttpRouteConverter;
import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.control.model.convert.SecurityPolicyConverter;
import dev.ambit.control.model.convert.ServiceConverter;
import dev.ambit.control.model.convert.TrafficPolicyConverter;
import dev.ambit.control.model.convert.WaypointBinding;
import dev.ambit.control.model.convert.WorkloadConverter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns source objects into config resources, incrementally: a change marks only the resources built from the
 * object (and those that read it: the pods of a relabelled namespace, the service of an EndpointSlice) for
 * rebuilding, and a rebuilt resource whose content did not change keeps its version, so nothing is pushed for it.
 * An object that fails to convert is reported and its last good resource stays. Confined to one thread.
 */
public final class ModelBuilder {

    /** The source object kind each resource type is built from, one object per resource. */
    private static final Map<ResourceType, Class<? extends HasMetadata>> SOURCES = new EnumMap<>(Map.of(
            ResourceType.WORKLOAD, Pod.class,
            ResourceType.SERVICE, Service.class,
            ResourceType.AUTHORIZATION_POLICY, AuthorizationPolicyResource.class,
            ResourceType.PEER_AUTHENTICATION, PeerAuthenticationResource.class,
            ResourceType.REQUEST_AUTHENTICATION, RequestAuthenticationResource.class,
            ResourceType.HTTP_ROUTE, HTTPRoute.class,
            ResourceType.TRAFFIC_POLICY, TrafficPolicyResource.class));

    private final MeshSettings settings;
    private final ConfigErrors errors;
    private final WorkloadConverter workloads;
    private final ServiceConverter services;
    private final ObjectStore store = new ObjectStore();
    /** Per type: source object ({@code <namespace>/<name>}) to the entry built from it. */
    private final Map<ResourceType, Map<String, ConfigEntry>> bySource = new EnumMap<>(ResourceType.class);
    /** Per type: resource name to entry, which snapshots copy. */
    private final Map<ResourceType, Map<String, ConfigEntry>> byName = new EnumMap<>(ResourceType.class);
    private final EnumMap<ResourceType, Map<String, ConfigEntry>> published = new EnumMap<>(ResourceType.class);
    private final Set<ResourceType> changed = EnumSet.noneOf(ResourceType.class);

    public ModelBuilder(MeshSettings settings, ConfigErrors errors) {
        this.settings = settings;
        this.errors = errors;
        this.workloads = new WorkloadConverter(settings);
        this.services = new ServiceConverter(settings);
        for (ResourceType type : ResourceType.values()) {
            bySource.put(type, new HashMap<>());
            byName.put(type, new HashMap<>());
            published.put(type, Map.of());
        }
    }

    /** Applies one added, changed ({@code deleted} false) or removed object. */
    public void apply(HasMetadata object, boolean deleted) {
        HasMetadata previous = deleted ? store.remove(object) : store.put(object);
        HasMetadata current = deleted ? null : object;
        Map<ResourceType, Set<String>> dirty = new EnumMap<>(ResourceType.class);
        String namespace = ObjectStore.namespaceOf(object);
        String key = namespace + "/" + object.getMetadata().getName();
        if (object instanceof Pod) {
            mark(dirty, ResourceType.WORKLOAD, key);
            selectingServices(namespace, Stream.of(previous, current)).forEach(svc -> mark(dirty, ResourceType.SERVICE, svc));
        } else if (object instanceof Service) {
            mark(dirty, ResourceType.SERVICE, key);
            Stream.of(previous, current).filter(Objects::nonNull).map(svc -> selectorOf((Service) svc))
                    .forEach(selector -> store.inNamespace(Pod.class, namespace).stream()
                            .filter(pod -> selects(selector, pod))
                            .forEach(pod -> mark(dirty, ResourceType.WORKLOAD, keyOf(pod))));
        } else if (object instanceof EndpointSlice) {
            Stream.of(previous, current).filter(Objects::nonNull)
                    .map(slice -> labels(slice).get(MeshLabels.SERVICE_NAME)).filter(Objects::nonNull)
                    .forEach(service -> mark(dirty, ResourceType.SERVICE, namespace + "/" + service));
        } else if (object instanceof Namespace || object instanceof Gateway) {
            String affected = object instanceof Namespace ? object.getMetadata().getName() : namespace;
            store.inNamespace(Pod.class, affected).forEach(pod -> mark(dirty, ResourceType.WORKLOAD, keyOf(pod)));
            store.inNamespace(Service.class, affected).forEach(svc -> mark(dirty, ResourceType.SERVICE, keyOf(svc)));
            if (object instanceof Gateway) {
                // Routes attach to an ingress Gateway by its class and listeners.
                Stream.of(previous, current).filter(Objects::nonNull).map(Gateway.class::cast)
                        .forEach(gateway -> store.all(HTTPRoute.class).stream()
                                .filter(route -> route.getSpec() != null && route.getSpec().getParentRefs() != null
                                        && route.getSpec().getParentRefs().stream().anyMatch(ref ->
                                                GatewayAttachment.names(ref, ObjectStore.namespaceOf(route), gateway)))
                                .forEach(route -> mark(dirty, ResourceType.HTTP_ROUTE, keyOf(route))));
            }
        } else if (object instanceof Node) {
            store.all(Pod.class).stream()
                    .filter(pod -> pod.getSpec() != null && object.getMetadata().getName().equals(pod.getSpec().getNodeName()))
                    .forEach(pod -> mark(dirty, ResourceType.WORKLOAD, keyOf(pod)));
        } else {
            SOURCES.forEach((type, source) -> {
                if (source.isInstance(object)) {
                    mark(dirty, type, key);
                }
            });
        }
        dirty.forEach((type, keys) -> keys.forEach(dirtyKey -> rebuild(type, dirtyKey)));
    }

    public boolean hasChanges() {
        return !changed.isEmpty();
    }

    /** The current config; copies only the types that changed since the last snapshot. */
    public ConfigSnapshot snapshot(long version, long changedAtNanos) {
        for (ResourceType type : changed) {
            published.put(type, Map.copyOf(byName.get(type)));
        }
        changed.clear();
        return new ConfigSnapshot(version, changedAtNanos, new EnumMap<>(published));
    }

    private void rebuild(ResourceType type, String key) {
        int slash = key.indexOf('/');
        HasMetadata source = store.get(SOURCES.get(type), key.substring(0, slash), key.substring(slash + 1));
        Optional<? extends ConfigResource> built;
        try {
            built = source == null ? Optional.empty() : build(type, source);
        } catch (InvalidConfigException e) {
            errors.invalid(source, e.field(), e.problem());
            return;
        } catch (IllegalArgumentException e) {
            errors.invalid(source, "", e.getMessage());
            return;
        }
        if (source != null) {
            errors.accepted(source);
        }
        ConfigEntry old = bySource.get(type).get(key);
        ConfigEntry entry = built.map(ResourceVersions::entry).orElse(null);
        if (old != null && entry != null && old.resource().equals(entry.resource())) {
            return;
        }
        if (old != null) {
            bySource.get(type).remove(key);
            byName.get(type).remove(old.name());
        }
        if (entry != null) {
            bySource.get(type).put(key, entry);
            byName.get(type).put(entry.name(), entry);
        }
        if (old != null || entry != null) {
            changed.add(type);
        }
    }

    private Optional<? extends ConfigResource> build(ResourceType type, HasMetadata source) {
        return switch (type) {
            case WORKLOAD -> workload((Pod) source);
            case SERVICE -> service((Service) source);
            case AUTHORIZATION_POLICY -> Optional.of(SecurityPolicyConverter.authorization((AuthorizationPolicyResource) source));
            case PEER_AUTHENTICATION -> Optional.of(SecurityPolicyConverter.peer((PeerAuthenticationResource) source));
            case REQUEST_AUTHENTICATION -> Optional.of(SecurityPolicyConverter.request((RequestAuthenticationResource) source));
            case HTTP_ROUTE -> HttpRouteConverter.convert((HTTPRoute) source, gateway ->
                    Optional.ofNullable(store.get(Gateway.class, gateway.namespace(), gateway.name()))
                            .filter(GatewayAttachment::isIngress));
            case TRAFFIC_POLICY -> Optional.of(TrafficPolicyConverter.convert((TrafficPolicyResource) source));
        };
    }

    private Optional<? extends ConfigResource> workload(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        Namespace ns = store.get(Namespace.class, "", namespace);
        Node node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? null
                : store.get(Node.class, "", pod.getSpec().getNodeName());
        List<NamespacedName> selecting = store.inNamespace(Service.class, namespace).stream()
                .filter(service -> selects(selectorOf(service), pod))
                .map(service -> NamespacedName.of(namespace, service.getMetadata().getName())).sorted().toList();
        return workloads.convert(pod, ns, node, waypoint(namespace, ns, labels(pod)), selecting);
    }

    private Optional<? extends ConfigResource> service(Service service) {
        String namespace = service.getMetadata().getNamespace();
        String name = service.getMetadata().getName();
        List<EndpointSlice> slices = store.inNamespace(EndpointSlice.class, namespace).stream()
                .filter(slice -> name.equals(labels(slice).get(MeshLabels.SERVICE_NAME))).toList();
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        List<Pod> selected = selector == null || selector.isEmpty() ? List.of()
                : store.inNamespace(Pod.class, namespace).stream().filter(pod -> selects(selector, pod)).toList();
        return services.convert(service,
                waypoint(namespace, store.get(Namespace.class, "", namespace), labels(service)), slices, selected,
                podKey -> {
                    int slash = podKey.indexOf('/');
                    return Optional.ofNullable(store.get(Pod.class, podKey.substring(0, slash), podKey.substring(slash + 1)))
                            .map(WorkloadConverter::uidOf);
                });
    }

    private Optional<dev.ambit.api.model.workload.WaypointAddress> waypoint(String namespace, Namespace ns,
            Map<String, String> objectLabels) {
        return WaypointBinding.resolve(namespace, ns == null ? Map.of() : labels(ns), objectLabels,
                gateway -> {
                    Gateway found = store.get(Gateway.class, gateway.namespace(), gateway.name());
                    return found != null && found.getSpec() != null
                            && MeshLabels.WAYPOINT_CLASS.equals(found.getSpec().getGatewayClassName());
                }, settings);
    }

    private Set<String> selectingServices(String namespace, Stream<HasMetadata> pods) {
        Set<String> keys = new HashSet<>();
        List<Service> candidates = store.inNamespace(Service.class, namespace);
        pods.filter(Objects::nonNull).forEach(pod -> candidates.stream()
                .filter(service -> selects(service.getSpec() == null ? null : service.getSpec().getSelector(), (Pod) pod))
                .forEach(service -> keys.add(keyOf(service))));
        return keys;
    }

    /** Null when the service has no spec (a config file may leave it out): found by YamlObjectsFuzzTest. */
    private static Map<String, String> selectorOf(Service service) {
        return service.getSpec() == null ? null : service.getSpec().getSelector();
    }

    /** Kubernetes semantics: a service without a selector selects nothing (its endpoints are managed by hand). */
    private static boolean selects(Map<String, String> selector, Pod pod) {
        return selector != null && !selector.isEmpty() && labels(pod).entrySet().containsAll(selector.entrySet());
    }

    private static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static String keyOf(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    private static void mark(Map<ResourceType, Set<String>> dirty, ResourceType type, String key) {
        dirty.computeIfAbsent(type, any -> new HashSet<>()).add(key);
    }
}
