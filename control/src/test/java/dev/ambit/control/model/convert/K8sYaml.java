package dev.ambit.control.model.convert;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Kubernetes objects written as YAML in a test, read into their fabric8 (or our CRD) types. */
public final class K8sYaml {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private K8sYaml() {
    }

    public static <T> T read(Class<T> type, String yaml) {
        return SERIALIZATION.unmarshal(yaml, type);
    }
}
