package dev.ambit.cli;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.dsl.Resource;

/** Namespaces named on the command line, which must exist. */
public final class Namespaces {

    private Namespaces() {
    }

    public static Resource<Namespace> existing(KubernetesCluster cluster, String namespace) {
        Resource<Namespace> resource = cluster.client().namespaces().withName(namespace);
        if (resource.get() == null) {
            throw new UserException("namespace " + namespace + " does not exist");
        }
        return resource;
    }
}
