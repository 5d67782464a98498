package dev.ambit.api.config;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.config.v1.SocketAddress;
import dev.ambit.api.identity.InvalidSpiffeIdException;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Converts the value types several kinds share. Decoding methods are named after what they return; encoding
 * methods are all {@code toProto}.
 */
final class ValueCodec {

    private ValueCodec() {
    }

    /** Decodes a namespaced kind; any failure is reported against {@code "<kind> <namespace>/<name>"}. */
    static <T> T namespaced(ResourceType type, String namespace, String name, Function<NamespacedName, T> build) {
        return ConfigPath.within(type.kind() + " " + namespace + "/" + name,
                () -> build.apply(NamespacedName.of(namespace, name)));
    }

    /** Decodes a message field that may be absent; failures inside it are reported under {@code field}. */
    static <P, T> Optional<T> optional(String field, boolean present, P proto, Function<P, T> decode) {
        return present ? Optional.of(ConfigPath.at(field, () -> decode.apply(proto))) : Optional.empty();
    }

    /** Proto3 strings have no presence: empty means absent. */
    static Optional<String> optional(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    static OptionalInt optionalInt(boolean present, int value) {
        return present ? OptionalInt.of(value) : OptionalInt.empty();
    }

    static Duration duration(com.google.protobuf.Duration proto) {
        return Duration.ofSeconds(proto.getSeconds(), proto.getNanos());
    }

    static com.google.protobuf.Duration toProto(Duration duration) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }

    /** Null when absent, for the model to report the field as required. */
    static Duration requiredDuration(boolean present, com.google.protobuf.Duration proto) {
        return present ? duration(proto) : null;
    }

    static List<InetAddress> addresses(String field, List<String> literals) {
        return ConfigPath.each(field, literals, IpLiteral::parse);
    }

    static List<String> toProto(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).toList();
    }

    static List<NamespacedName> names(String field, List<String> names) {
        return ConfigPath.each(field, names, NamespacedName::parse);
    }

    static SpiffeId spiffeId(String uri) {
        try {
            return SpiffeId.parse(uri);
        } catch (InvalidSpiffeIdException e) {
            throw new InvalidConfigException("", "", e.getMessage());
        }
    }

    static SpiffeId spiffeId(String trustDomain, String namespace, String serviceAccount) {
        try {
            return SpiffeId.of(trustDomain.isEmpty() ? SpiffeId.DEFAULT_TRUST_DOMAIN : trustDomain, namespace,
                    serviceAccount);
        } catch (InvalidSpiffeIdException e) {
            throw new InvalidConfigException("", "identity", e.getMessage());
        }
    }

    static ServiceRef serviceRef(dev.ambit.api.config.v1.ServiceRef proto) {
        return new ServiceRef(NamespacedName.of(proto.getNamespace(), proto.getName()),
                optionalInt(proto.hasPort(), proto.getPort()));
    }

    static dev.ambit.api.config.v1.ServiceRef toProto(ServiceRef ref) {
        var proto = dev.ambit.api.config.v1.ServiceRef.newBuilder()
                .setNamespace(ref.service().namespace()).setName(ref.service().name());
        ref.port().ifPresent(proto::setPort);
        return proto.build();
    }

    static InetSocketAddress socketAddress(SocketAddress proto) {
        InetAddress ip = ConfigPath.at("ip", () -> IpLiteral.parse(proto.getIp()));
        int port = proto.getPort() == 0 ? MeshPorts.HBONE : proto.getPort();
        return new InetSocketAddress(ip, FieldValidator.of("SocketAddress").port("port", port));
    }

    static SocketAddress toProto(InetSocketAddress address) {
        return SocketAddress.newBuilder()
                .setIp(address.getAddress().getHostAddress()).setPort(address.getPort()).build();
    }

    static WaypointAddress waypoint(dev.ambit.api.config.v1.Waypoint proto) {
        Optional<InetAddress> address = proto.hasAddress()
                ? Optional.of(ConfigPath.at("address", () -> IpLiteral.parse(proto.getAddress())))
                : Optional.empty();
        int port = proto.getPort() == 0 ? MeshPorts.HBONE : proto.getPort();
        return new WaypointAddress(proto.hasHostname() ? Optional.of(proto.getHostname()) : Optional.empty(), address, port);
    }

    static dev.ambit.api.config.v1.Waypoint toProto(WaypointAddress waypoint) {
        var proto = dev.ambit.api.config.v1.Waypoint.newBuilder().setPort(waypoint.port());
        waypoint.hostname().ifPresent(proto::setHostname);
        waypoint.address().ifPresent(address -> proto.setAddress(address.getHostAddress()));
        return proto.build();
    }

    static Mirror mirror(dev.ambit.api.config.v1.Mirror proto) {
        return new Mirror(ConfigPath.at("backend", () -> serviceRef(proto.getBackend())), proto.getPercentage());
    }

    static dev.ambit.api.config.v1.Mirror toProto(Mirror mirror) {
        return dev.ambit.api.config.v1.Mirror.newBuilder()
                .setBackend(toProto(mirror.backend())).setPercentage(mirror.percentage()).build();
    }
}
