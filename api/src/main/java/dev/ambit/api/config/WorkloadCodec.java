package dev.ambit.api.config;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;

/** {@link Workload} ↔ {@code ambit.config.v1.Workload}. */
final class WorkloadCodec extends KindCodec<Workload> {

    WorkloadCodec() {
        super(Workload.class);
    }

    @Override
    void encode(Workload workload, Resource.Builder resource) {
        var proto = dev.ambit.api.config.v1.Workload.newBuilder()
                .setUid(workload.uid())
                .setName(workload.name().name())
                .setNamespace(workload.name().namespace())
                .setServiceAccount(workload.identity().serviceAccount())
                .setTrustDomain(workload.identity().trustDomain())
                .setNode(workload.node())
                .addAllAddresses(ValueCodec.toProto(workload.addresses()))
                .setDataplaneMode(EnumCodec.encode(workload.dataplaneMode(),
                        dev.ambit.api.config.v1.Workload.DataplaneMode.class))
                .putAllLabels(workload.labels())
                .setCanonicalName(workload.canonicalName())
                .setCanonicalRevision(workload.canonicalRevision())
                .addAllServices(workload.services().stream().map(NamespacedName::toString).toList())
                .setDnsCaptureOff(!workload.dnsCapture());
        workload.tunnel().ifPresent(tunnel -> proto.setTunnel(ValueCodec.toProto(tunnel)));
        workload.otherFamilyTunnel().ifPresent(tunnel -> proto.setOtherFamilyTunnel(ValueCodec.toProto(tunnel)));
        workload.waypoint().ifPresent(waypoint -> proto.setWaypoint(ValueCodec.toProto(waypoint)));
        resource.setWorkload(proto);
    }

    @Override
    Workload decode(Resource resource) {
        var proto = resource.getWorkload();
        return ValueCodec.namespaced(ResourceType.WORKLOAD, proto.getNamespace(), proto.getName(),
                name -> new Workload(
                        proto.getUid(),
                        name,
                        ValueCodec.spiffeId(proto.getTrustDomain(), proto.getNamespace(), proto.getServiceAccount()),
                        proto.getNode(),
                        ValueCodec.addresses("addresses", proto.getAddressesList()),
                        EnumCodec.decode("dataplaneMode", proto.getDataplaneMode(), DataplaneMode.class, null),
                        ValueCodec.optional("tunnel", proto.hasTunnel(), proto.getTunnel(), ValueCodec::socketAddress),
                        ValueCodec.optional("waypoint", proto.hasWaypoint(), proto.getWaypoint(),
                                ValueCodec::waypoint),
                        proto.getLabelsMap(),
                        proto.getCanonicalName(),
                        proto.getCanonicalRevision(),
                        ValueCodec.names("services", proto.getServicesList()),
                        !proto.getDnsCaptureOff(),
                        ValueCodec.optional("otherFamilyTunnel", proto.hasOtherFamilyTunnel(),
                                proto.getOtherFamilyTunnel(), ValueCodec::socketAddress)));
    }
}
