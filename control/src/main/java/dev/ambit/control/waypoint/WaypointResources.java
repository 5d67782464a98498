package dev.ambit.control.waypoint;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.ca.RootCertPublisher;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.model.convert.GatewayAttachment;
import dev.ambit.api.mesh.MeshLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayInfrastructure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a waypoint {@code Gateway} is deployed as: a ServiceAccount (its identity), a Service (its HBONE address and
 * metrics) and a Deployment, all named after the Gateway and owned by it, so Kubernetes garbage-collects them with
 * it even when the controller is down. The Gateway's {@code spec.infrastructure} labels and annotations are copied
 * onto all three and the pods. An ingress Gateway is deployed the same way with the same process in its ingress
 * role: its Service (a LoadBalancer by default) has the listeners' ports instead, and its pod listens on them and
 * mounts the listeners' certificate Secrets.
 */
final class WaypointResources {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "ambit";
    static final String READINESS_PATH = "/healthz/ready";
    static final String TOKEN_DIRECTORY = "/var/run/secrets/ambit";
    static final String ROOT_CERT_DIRECTORY = "/var/run/ambit";
    /** The kubelet renews a projected token at 80 % of its life; the waypoint reads it afresh for each request. */
    private static final long TOKEN_SECONDS = 12 * 3600;
    private static final long USER = 1337;
    private static final String TLS_VOLUME = "tls-";

    private final WaypointDeploymentSettings settings;
    private final MeshSettings mesh;

    WaypointResources(WaypointDeploymentSettings settings, MeshSettings mesh) {
        this.settings = settings;
        this.mesh = mesh;
    }

    List<HasMetadata> of(Gateway gateway) {
        String name = gateway.getMetadata().getName();
        Map<String, String> selector = Map.of(MeshLabels.GATEWAY_NAME, name);
        ServiceSpec service;
        if (GatewayAttachment.isIngress(gateway)) {
            // Only the listeners: metrics stay off a load balancer; Prometheus scrapes the pods.
            ServiceSpecBuilder spec = new ServiceSpecBuilder().withType(serviceType(gateway)).withSelector(selector);
            for (IngressListeners.Served port : IngressListeners.of(gateway).ports()) {
                spec.addNewPort().withName(port.portName()).withPort(port.port())
                        .withTargetPort(new IntOrString(port.port()))
                        .withAppProtocol(port.protocol().toLowerCase(Locale.ROOT)).endPort();
            }
            service = spec.build();
        } else {
            service = new ServiceSpecBuilder().withSelector(selector)
                    .addNewPort().withName("mesh").withPort(MeshPorts.HBONE)
                    .withTargetPort(new IntOrString(MeshPorts.HBONE)).withAppProtocol("hbone").endPort()
                    .addNewPort().withName("metrics").withPort(MeshPorts.METRICS)
                    .withTargetPort(new IntOrString(MeshPorts.METRICS)).withAppProtocol("http").endPort()
                    .build();
        }
        return List.of(
                new ServiceAccountBuilder().withMetadata(metadata(gateway)).build(),
                new ServiceBuilder().withMetadata(metadata(gateway)).withSpec(service).build(),
                new DeploymentBuilder().withMetadata(metadata(gateway)).withNewSpec()
                        .withNewSelector().withMatchLabels(selector).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(podLabels(gateway))
                        .withAnnotations(podAnnotations(gateway)).endMetadata()
                        .withSpec(podSpec(gateway)).endTemplate().endSpec().build());
    }

    /** An ingress Gateway's Service type: its annotation's, else the controller's. */
    String serviceType(Gateway gateway) {
        Map<String, String> annotations = gateway.getMetadata().getAnnotations();
        String type = annotations == null ? null
                : annotations.get(WaypointDeploymentSettings.SERVICE_TYPE_ANNOTATION);
        return type == null ? settings.ingressServiceType() : type;
    }

    /** Whether {@code existing}, found under a waypoint's name, is one this class made (and may be replaced). */
    static boolean isManaged(HasMetadata existing) {
        Map<String, String> labels = existing.getMetadata().getLabels();
        return labels != null && MANAGER.equals(labels.get(MANAGED_BY));
    }

    private PodSpec podSpec(Gateway gateway) {
        String name = gateway.getMetadata().getName();
        PodSpecBuilder pod = new PodSpecBuilder().withServiceAccountName(name)
                // The waypoint talks to the controller only; its one token is the projected one below.
                .withAutomountServiceAccountToken(false)
                .withTerminationGracePeriodSeconds(30L)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(USER).withRunAsGroup(USER)
                .withFsGroup(USER).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(container(gateway))
                .addNewVolume().withName("ambit-token").withNewProjected().addNewSource().withNewServiceAccountToken()
                .withAudience(settings.tokenAudience()).withExpirationSeconds(TOKEN_SECONDS).withPath("token")
                .endServiceAccountToken().endSource().endProjected().endVolume()
                .addNewVolume().withName("root-cert").withNewConfigMap().withName(RootCertPublisher.CONFIG_MAP)
                .endConfigMap().endVolume()
                // A read-only root file system; the JVM and Netty's native libraries need a writable /tmp.
                .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume();
        if (GatewayAttachment.isIngress(gateway)) {
            IngressListeners listeners = IngressListeners.of(gateway);
            List<String> secrets = listeners.secrets();
            for (int i = 0; i < secrets.size(); i++) {
                // The kubelet updates a Secret volume in place when the Secret changes: certificates rotate there.
                pod.addNewVolume().withName(TLS_VOLUME + i).withNewSecret().withSecretName(secrets.get(i))
                        .withDefaultMode(0440).endSecret().endVolume();
            }
            if (listeners.served().stream().anyMatch(listener -> listener.port() < 1024)) {
                // Ports 80 and 443 as uid 1337 without NET_BIND_SERVICE: a namespaced sysctl, "safe" in
                // Kubernetes and allowed by the restricted Pod Security Standard.
                pod.editSecurityContext().addNewSysctl().withName("net.ipv4.ip_unprivileged_port_start")
                        .withValue("0").endSysctl().endSecurityContext();
            }
        }
        return pod.build();
    }

    private Container container(Gateway gateway) {
        String controller = settings.controllerHost();
        List<String> args = new ArrayList<>(List.of(
                "--gateway=" + gateway.getMetadata().getNamespace() + "/" + gateway.getMetadata().getName(),
                "--controller=" + controller + ":" + settings.configPort(),
                "--ca=" + controller + ":" + settings.caPort(),
                "--trust-domain=" + mesh.trustDomain(),
                "--root-namespace=" + mesh.rootNamespace(),
                "--root-cert=" + ROOT_CERT_DIRECTORY + "/" + RootCertPublisher.KEY,
                "--token-file=" + TOKEN_DIRECTORY + "/token"));
        // The mesh's tracing: none when off, so a waypoint's spec (and its rollout) changes only with tracing.
        args.addAll(settings.tracing().toFlags());
        boolean ingress = GatewayAttachment.isIngress(gateway);
        IngressListeners listeners = ingress ? IngressListeners.of(gateway) : null;
        if (ingress) {
            args.add("--ingress");
            listeners.served().forEach(listener -> args.add(listener.flag()));
        }
        ContainerBuilder container = new ContainerBuilder().withName("waypoint").withImage(settings.image())
                .withArgs(args);
        if (ingress) {
            listeners.ports().forEach(port -> container.addNewPort().withName(port.portName())
                    .withContainerPort(port.port()).endPort());
            List<String> secrets = listeners.secrets();
            for (int i = 0; i < secrets.size(); i++) {
                container.addNewVolumeMount().withName(TLS_VOLUME + i)
                        .withMountPath(IngressListeners.TLS_DIRECTORY + "/" + secrets.get(i)).withReadOnly(true)
                        .endVolumeMount();
            }
        } else {
            container.addNewPort().withName("mesh").withContainerPort(MeshPorts.HBONE).endPort();
        }
        return container
                // Names the waypoint's node in the controller's logs.
                .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName")
                .endFieldRef().endValueFrom().endEnv()
                .addNewPort().withName("metrics").withContainerPort(MeshPorts.METRICS).endPort()
                .addNewPort().withName("readiness").withContainerPort(MeshPorts.READINESS).endPort()
                // Readiness only, no liveness: a draining waypoint is unready on purpose and must not be killed.
                .withNewStartupProbe().withNewHttpGet().withPath(READINESS_PATH)
                .withPort(new IntOrString(MeshPorts.READINESS)).endHttpGet().withPeriodSeconds(1).withFailureThreshold(60)
                .endStartupProbe()
                .withNewReadinessProbe().withNewHttpGet().withPath(READINESS_PATH)
                .withPort(new IntOrString(MeshPorts.READINESS)).endHttpGet().withPeriodSeconds(5).withFailureThreshold(3)
                .endReadinessProbe()
                // Measured at rest and after load: 145 and 161 MiB RSS (bench/RESULTS.md, "Footprint"); the limit is
                // the image's options (heap 256, metaspace 96, code 48, direct 128 MiB) plus native memory.
                .withNewResources()
                .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("192Mi"))
                .addToLimits("cpu", new Quantity("2")).addToLimits("memory", new Quantity("1Gi"))
                .endResources()
                .withNewSecurityContext().withRunAsNonRoot(true).withAllowPrivilegeEscalation(false)
                .withPrivileged(false).withReadOnlyRootFilesystem(true).withNewCapabilities().withDrop("ALL")
                .endCapabilities().endSecurityContext()
                .addNewVolumeMount().withName("ambit-token").withMountPath(TOKEN_DIRECTORY).withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount().withName("root-cert").withMountPath(ROOT_CERT_DIRECTORY).withReadOnly(true)
                .endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
    }

    private static ObjectMeta metadata(Gateway gateway) {
        String name = gateway.getMetadata().getName();
        Map<String, String> labels = new LinkedHashMap<>(infrastructure(gateway).getLabels());
        labels.put(MeshLabels.GATEWAY_NAME, name);
        labels.put(MANAGED_BY, MANAGER);
        return new ObjectMetaBuilder().withName(name).withNamespace(gateway.getMetadata().getNamespace())
                .withLabels(labels).withAnnotations(infrastructure(gateway).getAnnotations())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(gateway.getApiVersion())
                        .withKind(gateway.getKind()).withName(name)
                        .withUid(gateway.getMetadata().getUid()).withController(true).build())
                .build();
    }

    private static Map<String, String> podLabels(Gateway gateway) {
        Map<String, String> labels = new LinkedHashMap<>(infrastructure(gateway).getLabels());
        labels.put(MeshLabels.GATEWAY_NAME, gateway.getMetadata().getName());
        // The waypoint terminates HBONE itself: its own traffic must not be captured by the node tunnel.
        labels.put(MeshLabels.DATAPLANE_MODE, MeshLabels.NONE);
        return labels;
    }

    private static Map<String, String> podAnnotations(Gateway gateway) {
        Map<String, String> annotations = new LinkedHashMap<>(infrastructure(gateway).getAnnotations());
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", String.valueOf(MeshPorts.METRICS));
        annotations.put("prometheus.io/path", "/metrics");
        return annotations;
    }

    private static GatewayInfrastructure infrastructure(Gateway gateway) {
        GatewayInfrastructure infrastructure = gateway.getSpec().getInfrastructure();
        return new GatewayInfrastructure(
                infrastructure == null || infrastructure.getAnnotations() == null ? Map.of()
                        : infrastructure.getAnnotations(),
                infrastructure == null || infrastructure.getLabels() == null ? Map.of() : infrastructure.getLabels(),
                null);
    }
}
