package dev.ambit.api.config;

import dev.ambit.api.config.v1.PeerAuthentication;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.FieldValidator;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link dev.ambit.api.model.policy.PeerAuthentication} ↔ {@code ambit.config.v1.PeerAuthentication}. */
final class PeerAuthenticationCodec extends KindCodec<dev.ambit.api.model.policy.PeerAuthentication> {

    private static final Class<dev.ambit.api.model.policy.PeerAuthentication.Mode> MODE =
            dev.ambit.api.model.policy.PeerAuthentication.Mode.class;

    PeerAuthenticationCodec() {
        super(dev.ambit.api.model.policy.PeerAuthentication.class);
    }

    @Override
    void encode(dev.ambit.api.model.policy.PeerAuthentication policy, Resource.Builder resource) {
        var proto = PeerAuthentication.newBuilder()
                .setName(policy.name().name())
                .setNamespace(policy.name().namespace())
                .putAllSelector(policy.selector())
                .setMode(EnumCodec.encode(policy.mode(), PeerAuthentication.Mode.class));
        policy.portModes().forEach((port, mode) ->
                proto.putPortModes(port, EnumCodec.encode(mode, PeerAuthentication.Mode.class)));
        resource.setPeerAuthentication(proto);
    }

    @Override
    dev.ambit.api.model.policy.PeerAuthentication decode(Resource resource) {
        PeerAuthentication proto = resource.getPeerAuthentication();
        return ValueCodec.namespaced(ResourceType.PEER_AUTHENTICATION, proto.getNamespace(), proto.getName(),
                name -> new dev.ambit.api.model.policy.PeerAuthentication(
                        name,
                        proto.getSelectorMap(),
                        EnumCodec.decode("mode", proto.getMode(), MODE, null),
                        portModes(proto.getPortModesMap())));
    }

    private static Map<Integer, dev.ambit.api.model.policy.PeerAuthentication.Mode> portModes(
            Map<Integer, PeerAuthentication.Mode> proto) {
        Map<Integer, dev.ambit.api.model.policy.PeerAuthentication.Mode> modes = new LinkedHashMap<>();
        proto.forEach((port, mode) -> modes.put(port, ConfigPath.at(FieldValidator.index("portModes", port),
                () -> EnumCodec.decode("", mode, MODE, null))));
        return modes;
    }
}
