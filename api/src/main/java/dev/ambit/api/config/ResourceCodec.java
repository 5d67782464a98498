package dev.ambit.api.config;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.InvalidConfigException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Converts config objects to and from the {@link Resource}s of the config stream.
 *
 * <p>Decoding validates: it builds the model through its records' constructors, so whatever it returns is valid,
 * and otherwise throws an {@link InvalidConfigException} whose message names the resource and the field. The
 * data plane NACKs a push with that message.
 */
public final class ResourceCodec {

    private static final Map<ResourceType, KindCodec<?>> CODECS = new EnumMap<>(Map.of(
            ResourceType.WORKLOAD, new WorkloadCodec(),
            ResourceType.SERVICE, new ServiceCodec(),
            ResourceType.AUTHORIZATION_POLICY, new AuthorizationPolicyCodec(),
            ResourceType.PEER_AUTHENTICATION, new PeerAuthenticationCodec(),
            ResourceType.REQUEST_AUTHENTICATION, new RequestAuthenticationCodec(),
            ResourceType.HTTP_ROUTE, new HttpRouteCodec(),
            ResourceType.TRAFFIC_POLICY, new TrafficPolicyCodec()));

    private ResourceCodec() {
    }

    /** The resource for {@code model}, named by {@link ConfigResource#resourceName()}. */
    public static Resource encode(ConfigResource model, String version) {
        Resource.Builder resource = Resource.newBuilder().setName(model.resourceName()).setVersion(version);
        CODECS.get(ResourceType.of(model)).encodeBody(model, resource);
        return resource.build();
    }

    /**
     * The validated model of {@code resource}, which arrived in a push for {@code expected}.
     *
     * @throws InvalidConfigException if the body is missing, of another kind, invalid, or names a different
     *                                resource than {@link Resource#getName()}
     */
    public static ConfigResource decode(ResourceType expected, Resource resource) {
        String object = "Resource " + resource.getName();
        ResourceType actual = ResourceType.of(resource.getBodyCase())
                .orElseThrow(() -> new InvalidConfigException(object, "body", "is not set"));
        if (actual != expected) {
            throw new InvalidConfigException(object, "body",
                    "is a " + actual.kind() + " but the push is for " + expected.kind());
        }
        ConfigResource model = CODECS.get(actual).decode(resource);
        if (!model.resourceName().equals(resource.getName())) {
            throw new InvalidConfigException(object, "name",
                    "does not match the body, which names '" + model.resourceName() + "'");
        }
        return model;
    }

    /** {@link #decode(ResourceType, Resource)} for callers that know the model class. */
    public static <T extends ConfigResource> T decode(ResourceType expected, Resource resource, Class<T> modelType) {
        return modelType.cast(decode(expected, resource));
    }
}
