package dev.ambit.host.bpf;

/** The {@code enum bpf_attach_type} values the agent uses (linux/bpf.h). */
public enum AttachType {
    CGROUP_INET_INGRESS(0),
    CGROUP_SOCK_OPS(3),
    SK_MSG_VERDICT(7),
    CGROUP_INET4_CONNECT(10),
    CGROUP_INET6_CONNECT(11),
    CGROUP_GETSOCKOPT(21);

    private final int kernelValue;

    AttachType(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    public int kernelValue() {
        return kernelValue;
    }
}
