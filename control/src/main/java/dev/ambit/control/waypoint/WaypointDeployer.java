package dev.ambit.control.waypoint;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.metrics.ControlMetrics.WaypointResult;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.runtime.lifecycle.ExecutorStop;
import io.fabric8.kubernetes.api.model.HasMetadata;
import dev.ambit.control.model.convert.GatewayAttachment;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a waypoint for every {@code Gateway} of class {@code ambit-waypoint}, and an ingress gateway for every one
 * of class {@code ambit-ingress}, and reports it in the Gateway's status; deleting the Gateway, or moving it to
 * another class, removes it. Runs on the leader only: {@link #start} when elected, {@link #stop} when not. Work is
 * queued by Gateway key and done by one worker from the informers' latest state, so a burst of changes to one
 * Gateway is applied once, and a failed apply is retried. An ingress Gateway's status also counts the routes
 * attached to each listener and shows its load balancer's addresses, so route changes and its Service's
 * load-balancer status queue it too.
 */
public final class WaypointDeployer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WaypointDeployer.class);
    private static final Duration RETRY = Duration.ofSeconds(10);
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

    private final KubernetesClient client;
    private final WaypointResources resources;
    private final WaypointStatus status;
    private final List<AmbitGatewayClass> gatewayClasses;
    private final ControlMetrics metrics;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-waypoint-deployer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile SharedIndexInformer<Gateway> informer;
    private volatile SharedIndexInformer<HTTPRoute> routes;
    private volatile SharedIndexInformer<Service> services;

    public WaypointDeployer(KubernetesClient client, WaypointDeploymentSettings settings, MeshSettings mesh,
            ControlMetrics metrics) {
        this.client = client;
        this.resources = new WaypointResources(settings, mesh);
        this.status = new WaypointStatus(client, mesh);
        this.gatewayClasses = List.of(
                new AmbitGatewayClass(client, MeshLabels.WAYPOINT_CLASS, AmbitGatewayClass.WAYPOINT_CONTROLLER,
                        "Ambit waypoints: per-service L7 proxies of the ambient mesh"),
                new AmbitGatewayClass(client, MeshLabels.INGRESS_CLASS, AmbitGatewayClass.INGRESS_CONTROLLER,
                        "Ambit ingress gateways: traffic from outside the mesh, forwarded into it over HBONE"));
        this.metrics = metrics;
    }

    public synchronized void start() {
        if (informer != null) {
            return;
        }
        gatewayClasses.forEach(AmbitGatewayClass::ensure);
        // Synced before the Gateways' first list: each ingress Gateway's first status counts its routes.
        SharedIndexInformer<HTTPRoute> routeInformer = client.resources(HTTPRoute.class).inAnyNamespace()
                .runnableInformer(0);
        routeInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(HTTPRoute route) {
                enqueueParents(route);
            }

            @Override
            public void onUpdate(HTTPRoute old, HTTPRoute route) {
                if (!Objects.equals(old.getSpec(), route.getSpec())) {
                    enqueueParents(old);
                    enqueueParents(route);
                }
            }

            @Override
            public void onDelete(HTTPRoute route, boolean finalStateUnknown) {
                enqueueParents(route);
            }
        });
        SharedIndexInformer<Service> serviceInformer = client.services().inAnyNamespace()
                .withLabel(WaypointResources.MANAGED_BY, WaypointResources.MANAGER).runnableInformer(0);
        serviceInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service service) {
            }

            @Override
            public void onUpdate(Service old, Service service) {
                // A load balancer got (or lost) its address: the Gateway's status shows it.
                if (!Objects.equals(old.getStatus(), service.getStatus())) {
                    String gateway = service.getMetadata().getLabels().get(MeshLabels.GATEWAY_NAME);
                    if (gateway != null) {
                        enqueueIngress(service.getMetadata().getNamespace() + "/" + gateway);
                    }
                }
            }

            @Override
            public void onDelete(Service service, boolean finalStateUnknown) {
            }
        });
        routes = routeInformer;
        services = serviceInformer;
        routeInformer.run();
        serviceInformer.run();
        // Published before it runs: its first list calls onAdd for every existing Gateway, and a reconcile that
        // found no informer would take itself for stopped and drop that Gateway until it next changes.
        SharedIndexInformer<Gateway> created = client.resources(Gateway.class).inAnyNamespace().runnableInformer(0);
        created.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Gateway gateway) {
                if (isWaypoint(gateway)) {
                    enqueue(Cache.metaNamespaceKeyFunc(gateway));
                }
            }

            @Override
            public void onUpdate(Gateway old, Gateway gateway) {
                // Status writes (ours included) change no spec and need no work; the annotations can pick an
                // ingress gateway's Service type.
                boolean changed = !Objects.equals(old.getSpec(), gateway.getSpec())
                        || !Objects.equals(old.getMetadata().getAnnotations(), gateway.getMetadata().getAnnotations());
                if (changed && (isWaypoint(old) || isWaypoint(gateway))) {
                    enqueue(Cache.metaNamespaceKeyFunc(gateway));
                }
            }

            @Override
            public void onDelete(Gateway gateway, boolean finalStateUnknown) {
                if (isWaypoint(gateway)) {
                    enqueue(Cache.metaNamespaceKeyFunc(gateway));
                }
            }
        });
        informer = created;
        created.run();
    }

    public synchronized void stop() {
        if (informer != null) {
            informer.close();
            informer = null;
            routes.close();
            routes = null;
            services.close();
            services = null;
        }
    }

    /** Queues the ingress Gateways a route names (the only Gateways whose status counts routes). */
    private void enqueueParents(HTTPRoute route) {
        if (route.getSpec() == null || route.getSpec().getParentRefs() == null) {
            return;
        }
        String namespace = route.getMetadata().getNamespace();
        route.getSpec().getParentRefs().stream().filter(GatewayAttachment::isGatewayRef)
                .forEach(ref -> enqueueIngress(GatewayAttachment.namespaceOf(ref, namespace) + "/" + ref.getName()));
    }

    private void enqueueIngress(String key) {
        SharedIndexInformer<Gateway> current = informer;
        if (current != null && GatewayAttachment.isIngress(current.getStore().getByKey(key))) {
            enqueue(key);
        }
    }

    private void enqueue(String key) {
        if (queued.add(key)) {
            worker.execute(() -> {
                queued.remove(key);
                reconcile(key);
            });
        }
    }

    /** A Gateway this deployer runs: a waypoint or an ingress gateway. */
    private static boolean isWaypoint(Gateway gateway) {
        return gateway.getSpec() != null && (MeshLabels.WAYPOINT_CLASS.equals(gateway.getSpec().getGatewayClassName())
                || GatewayAttachment.isIngress(gateway));
    }

    private void reconcile(String key) {
        SharedIndexInformer<Gateway> current = informer;
        if (current == null) {
            return; // no longer leading: the new leader reconciles everything
        }
        Gateway found = current.getStore().getByKey(key);
        Gateway gateway = found != null && isWaypoint(found) ? found : null;
        try {
            if (gateway != null) {
                deploy(gateway);
            } else {
                remove(key);
            }
        } catch (KubernetesClientException e) {
            if (informer == null) {
                return; // stopped while applying: not a failure to report or retry
            }
            metrics.waypointUpdate(WaypointResult.FAILED);
            log.warn("event=waypoint_update_failed gateway={} error=\"{}\" retry_in_s={}", key, e.getMessage(),
                    RETRY.toSeconds());
            if (gateway != null) {
                String problem = "applying the waypoint failed, retrying: " + e.getMessage();
                if (GatewayAttachment.isIngress(gateway)) {
                    status.write(gateway, false, "Pending", problem, List.of(status.hostname(gateway)),
                            listenerOutcomes(gateway, IngressListeners.of(gateway)));
                } else {
                    status.write(gateway, false, "Pending", problem);
                }
            }
            worker.schedule(() -> enqueue(key), RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void deploy(Gateway gateway) {
        String key = Cache.metaNamespaceKeyFunc(gateway);
        boolean ingress = GatewayAttachment.isIngress(gateway);
        IngressListeners listeners = ingress ? IngressListeners.of(gateway) : null;
        if (ingress) {
            String invalid = listeners.served().isEmpty() ? "no listener can be served"
                    : !WaypointDeploymentSettings.SERVICE_TYPES.contains(resources.serviceType(gateway))
                            ? "annotation " + WaypointDeploymentSettings.SERVICE_TYPE_ANNOTATION + ": '"
                                    + resources.serviceType(gateway) + "' is not one of LoadBalancer, NodePort, ClusterIP"
                            : null;
            if (invalid != null) {
                // Nothing to run: what ran before goes, and the status says why.
                remove(key);
                metrics.waypointUpdate(WaypointResult.FAILED);
                log.warn("event=ingress_invalid gateway={} reason=\"{}\"", key, invalid);
                status.write(gateway, false, "Invalid", invalid, List.of(), listenerOutcomes(gateway, listeners));
                return;
            }
        }
        List<HasMetadata> desired = resources.of(gateway);
        List<HasMetadata> existing = desired.stream().map(resource -> client.resource(resource).get()).toList();
        Optional<HasMetadata> foreign = existing.stream()
                .filter(found -> found != null && !WaypointResources.isManaged(found)).findFirst();
        if (foreign.isPresent()) {
            // Never overwrite what someone else made under the waypoint's name.
            metrics.waypointUpdate(WaypointResult.FAILED);
            log.warn("event=waypoint_name_taken gateway={} kind={}", key, foreign.get().getKind());
            String problem = foreign.get().getKind() + " " + key + " exists and is not managed by Ambit";
            if (ingress) {
                status.write(gateway, false, "Invalid", problem, List.of(), listenerOutcomes(gateway, listeners));
            } else {
                status.write(gateway, false, "Invalid", problem);
            }
            return;
        }
        for (int i = 0; i < desired.size(); i++) {
            if (existing.get(i) == null) {
                client.resource(desired.get(i)).create();
            } else {
                // A merge patch sets only the fields we write: a scaler's replicas, a restart annotation or others'
                // labels stay, where a replace would reset them.
                client.resource(desired.get(i)).patch(MERGE);
            }
        }
        metrics.waypointUpdate(WaypointResult.DEPLOYED);
        if (ingress) {
            log.info("event=ingress_deployed gateway={} generation={} listeners={}", key,
                    gateway.getMetadata().getGeneration(), listeners.served().size());
            status.write(gateway, true, "Programmed", "ingress gateway Deployment, Service and ServiceAccount applied",
                    addresses(gateway), listenerOutcomes(gateway, listeners));
        } else {
            log.info("event=waypoint_deployed gateway={} generation={}", key, gateway.getMetadata().getGeneration());
            status.write(gateway, true, "Programmed", "waypoint Deployment, Service and ServiceAccount applied");
        }
    }

    /** The load balancer's addresses once it has them, else the Service's hostname. */
    private List<GatewayStatusAddress> addresses(Gateway gateway) {
        Service service = client.services().inNamespace(gateway.getMetadata().getNamespace())
                .withName(gateway.getMetadata().getName()).get();
        List<GatewayStatusAddress> addresses = new ArrayList<>();
        if (service != null && service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                && service.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
                if (ingress.getIp() != null) {
                    addresses.add(new GatewayStatusAddressBuilder().withType("IPAddress").withValue(ingress.getIp())
                            .build());
                } else if (ingress.getHostname() != null) {
                    addresses.add(new GatewayStatusAddressBuilder().withType("Hostname")
                            .withValue(ingress.getHostname()).build());
                }
            }
        }
        return addresses.isEmpty() ? List.of(status.hostname(gateway)) : addresses;
    }

    /** Each listener's verdict and the routes attached to it, counted as the model attaches them. */
    private List<WaypointStatus.ListenerOutcome> listenerOutcomes(Gateway gateway, IngressListeners listeners) {
        SharedIndexInformer<HTTPRoute> known = routes;
        List<HTTPRoute> all = known == null ? List.of() : known.getStore().list();
        Map<String, Integer> attached = new HashMap<>();
        for (HTTPRoute route : all) {
            if (route.getSpec() == null || route.getSpec().getParentRefs() == null) {
                continue;
            }
            String namespace = route.getMetadata().getNamespace();
            List<String> hostnames = route.getSpec().getHostnames() == null ? List.of()
                    : route.getSpec().getHostnames();
            Set<String> names = new HashSet<>();
            route.getSpec().getParentRefs().forEach(ref -> GatewayAttachment.listeners(gateway, ref, namespace,
                    hostnames).forEach(listener -> names.add(listener.getName())));
            names.forEach(name -> attached.merge(name, 1, Integer::sum));
        }
        return listeners.verdicts().stream().map(verdict -> new WaypointStatus.ListenerOutcome(verdict,
                verdict.served() ? attached.getOrDefault(verdict.listener().getName(), 0) : 0)).toList();
    }

    private void remove(String key) {
        NamespacedName name = NamespacedName.parse(key);
        Map<String, String> ours = Map.of(MeshLabels.GATEWAY_NAME, name.name(),
                WaypointResources.MANAGED_BY, WaypointResources.MANAGER);
        // Owner references make Kubernetes do this too; deleting here also covers clusters without GC.
        long deleted = Stream.of(
                        client.apps().deployments().inNamespace(name.namespace()).withLabels(ours).delete(),
                        client.services().inNamespace(name.namespace()).withLabels(ours).delete(),
                        client.serviceAccounts().inNamespace(name.namespace()).withLabels(ours).delete())
                .mapToLong(List::size).sum();
        if (deleted > 0) {
            metrics.waypointUpdate(WaypointResult.REMOVED);
            log.info("event=waypoint_removed gateway={} objects={}", key, deleted);
        }
    }

    /** Stops, and waits briefly for an apply in progress, so that nothing writes once the client closes. */
    @Override
    public void close() {
        stop();
        ExecutorStop.now(worker, Duration.ofSeconds(5));
    }
}
