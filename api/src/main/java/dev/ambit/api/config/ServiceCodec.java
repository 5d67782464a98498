package dev.ambit.api.config;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.config.v1.Service;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;

/** {@link MeshService} ↔ {@code ambit.config.v1.Service}. */
final class ServiceCodec extends KindCodec<MeshService> {

    ServiceCodec() {
        super(MeshService.class);
    }

    @Override
    void encode(MeshService service, Resource.Builder resource) {
        var proto = Service.newBuilder()
                .setName(service.name().name())
                .setNamespace(service.name().namespace())
                .setHostname(service.hostname())
                .addAllVips(ValueCodec.toProto(service.vips()))
                .putAllLabels(service.labels());
        service.ports().forEach(port -> proto.addPorts(Service.ServicePort.newBuilder()
                .setName(port.name())
                .setPort(port.port())
                .setTargetPort(port.targetPort())
                .setAppProtocol(port.appProtocol().orElse(""))));
        service.endpoints().forEach(endpoint -> proto.addEndpoints(Service.Endpoint.newBuilder()
                .setWorkloadUid(endpoint.workloadUid())
                .setAddress(endpoint.address().getHostAddress())
                .putAllPorts(endpoint.ports())));
        service.waypoint().ifPresent(waypoint -> proto.setWaypoint(ValueCodec.toProto(waypoint)));
        resource.setService(proto);
    }

    @Override
    MeshService decode(Resource resource) {
        Service proto = resource.getService();
        return ValueCodec.namespaced(ResourceType.SERVICE, proto.getNamespace(), proto.getName(), name -> new MeshService(
                name,
                proto.getHostname(),
                ValueCodec.addresses("vips", proto.getVipsList()),
                ConfigPath.each("ports", proto.getPortsList(), ServiceCodec::port),
                ConfigPath.each("endpoints", proto.getEndpointsList(), ServiceCodec::endpoint),
                ValueCodec.optional("waypoint", proto.hasWaypoint(), proto.getWaypoint(), ValueCodec::waypoint),
                proto.getLabelsMap()));
    }

    private static ServicePort port(Service.ServicePort proto) {
        int targetPort = proto.getTargetPort() == 0 ? proto.getPort() : proto.getTargetPort();
        return new ServicePort(proto.getName(), proto.getPort(), targetPort, ValueCodec.optional(proto.getAppProtocol()));
    }

    private static Endpoint endpoint(Service.Endpoint proto) {
        return new Endpoint(proto.getWorkloadUid(), ConfigPath.at("address", () -> IpLiteral.parse(proto.getAddress())),
                proto.getPortsMap());
    }
}
