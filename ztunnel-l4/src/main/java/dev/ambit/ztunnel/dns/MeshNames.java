package dev.ambit.ztunnel.dns;

import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * Which of the mesh's services a query names, in every form a pod's resolver may ask: the full name
 * {@code <svc>.<ns>.svc.<domain>}, and {@code <svc>.<ns>.svc}, {@code <svc>.<ns>} and {@code <svc>} as a pod's
 * search path makes them, the last relative to the asking pod's namespace (known from its address).
 */
final class MeshNames {

    /** What a name is to the mesh. */
    sealed interface Match permits Service, Outside {
    }

    /** One of the mesh's services. */
    record Service(MeshService service) implements Match {
    }

    /**
     * Not the mesh's to answer: forwarded upstream. So is a name under {@code svc.<domain>} that is no service of the
     * config: the cluster's DNS knows names the mesh's config does not (an ExternalName service, a StatefulSet pod's
     * {@code <pod>.<svc>.<ns>.svc} name), and a captured pod must resolve them as it did before it was captured.
     */
    record Outside() implements Match {
    }

    private static final Match OUTSIDE = new Outside();

    private final String serviceZone;
    private final String serviceZoneSuffix;

    MeshNames(String clusterDomain) {
        this.serviceZone = "svc." + clusterDomain;
        this.serviceZoneSuffix = "." + serviceZone;
    }

    /** What {@code name} (as asked, any case, with or without the final dot) is to the mesh. */
    Match match(TunnelConfig config, String name, InetAddress client) {
        String lower = name.toLowerCase(Locale.ROOT);
        String bare = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        if (bare.endsWith(serviceZoneSuffix) || bare.equals(serviceZone)) {
            return config.serviceByHostname(bare).<Match>map(Service::new).orElse(OUTSIDE);
        }
        String[] labels = bare.split("\\.", -1);
        return switch (labels.length) {
            case 1 -> clientNamespace(config, client)
                    .map(namespace -> service(config, labels[0], namespace))
                    .orElse(OUTSIDE);
            case 2 -> service(config, labels[0], labels[1]);
            case 3 -> "svc".equals(labels[2]) ? service(config, labels[0], labels[1]) : OUTSIDE;
            default -> OUTSIDE;
        };
    }

    private Match service(TunnelConfig config, String service, String namespace) {
        if (service.isEmpty() || namespace.isEmpty()) {
            return OUTSIDE;
        }
        // A short name that is no service may still be the upstream's (a two-label name like example.com).
        return config.serviceByHostname(service + "." + namespace + serviceZoneSuffix)
                .<Match>map(Service::new).orElse(OUTSIDE);
    }

    private static Optional<String> clientNamespace(TunnelConfig config, InetAddress client) {
        return config.workload(client).map(Workload::name).map(workloadName -> workloadName.namespace());
    }
}
