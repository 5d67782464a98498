package dev.ambit.control.crd;

import java.util.List;

/** {@code spec} of {@code AuthorizationPolicy.security.ambit.dev/v1}; the CRD schema in charts/ambit/crds mirrors it. */
public record AuthorizationPolicySpec(WorkloadSelector selector, String action, List<Rule> rules) {

    public record Rule(List<From> from, List<To> to, List<When> when) {
    }

    public record From(Source source) {
    }

    public record Source(List<String> principals, List<String> notPrincipals, List<String> namespaces,
            List<String> notNamespaces) {
    }

    public record To(Operation operation) {
    }

    public record Operation(List<Integer> ports, List<Integer> notPorts, List<String> methods, List<String> paths,
            List<String> notPaths, List<String> hosts) {
    }

    public record When(String key, List<String> values, List<String> notValues) {
    }
}
