package dev.ambit.api.config;

import com.google.protobuf.Descriptors.Descriptor;
import dev.ambit.api.config.v1.AuthorizationPolicy;
import dev.ambit.api.config.v1.HttpRoute;
import dev.ambit.api.config.v1.PeerAuthentication;
import dev.ambit.api.config.v1.RequestAuthentication;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.config.v1.Service;
import dev.ambit.api.config.v1.TrafficPolicy;
import dev.ambit.api.config.v1.Workload;
import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.workload.MeshService;
import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of config on the stream, each with its type URL ({@code type.ambit.dev/<protobuf message name>}),
 * its model class and the {@link Resource} body case that carries it.
 */
public enum ResourceType {
    WORKLOAD(dev.ambit.api.model.workload.Workload.class, Workload.getDescriptor(), Resource.BodyCase.WORKLOAD),
    SERVICE(MeshService.class, Service.getDescriptor(), Resource.BodyCase.SERVICE),
    AUTHORIZATION_POLICY(dev.ambit.api.model.policy.AuthorizationPolicy.class, AuthorizationPolicy.getDescriptor(),
            Resource.BodyCase.AUTHORIZATION_POLICY),
    PEER_AUTHENTICATION(dev.ambit.api.model.policy.PeerAuthentication.class, PeerAuthentication.getDescriptor(),
            Resource.BodyCase.PEER_AUTHENTICATION),
    REQUEST_AUTHENTICATION(dev.ambit.api.model.policy.RequestAuthentication.class,
            RequestAuthentication.getDescriptor(), Resource.BodyCase.REQUEST_AUTHENTICATION),
    HTTP_ROUTE(dev.ambit.api.model.route.HttpRoute.class, HttpRoute.getDescriptor(), Resource.BodyCase.HTTP_ROUTE),
    TRAFFIC_POLICY(dev.ambit.api.model.traffic.TrafficPolicy.class, TrafficPolicy.getDescriptor(),
            Resource.BodyCase.TRAFFIC_POLICY);

    public static final String TYPE_URL_PREFIX = "type.ambit.dev/";

    private final Class<? extends ConfigResource> modelType;
    private final String kind;
    private final String typeUrl;
    private final Resource.BodyCase bodyCase;

    ResourceType(Class<? extends ConfigResource> modelType, Descriptor message, Resource.BodyCase bodyCase) {
        this.modelType = modelType;
        this.kind = message.getName();
        this.typeUrl = TYPE_URL_PREFIX + message.getFullName();
        this.bodyCase = bodyCase;
    }

    /** E.g. {@code type.ambit.dev/ambit.config.v1.Workload}. */
    public String typeUrl() {
        return typeUrl;
    }

    /** The protobuf message name, e.g. {@code Workload}, {@code Service}: how messages name the kind. */
    public String kind() {
        return kind;
    }

    public Class<? extends ConfigResource> modelType() {
        return modelType;
    }

    Resource.BodyCase bodyCase() {
        return bodyCase;
    }

    public static Optional<ResourceType> fromTypeUrl(String typeUrl) {
        return Arrays.stream(values()).filter(type -> type.typeUrl.equals(typeUrl)).findFirst();
    }

    /** The kind whose model class is {@code modelType}, e.g. {@link #WORKLOAD} for {@code Workload.class}. */
    public static ResourceType ofModel(Class<? extends ConfigResource> modelType) {
        return Arrays.stream(values()).filter(type -> type.modelType == modelType).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a config kind: " + modelType.getName()));
    }

    public static ResourceType of(ConfigResource resource) {
        return Arrays.stream(values()).filter(type -> type.modelType.isInstance(resource)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a config kind: " + resource.getClass().getName()));
    }

    static Optional<ResourceType> of(Resource.BodyCase bodyCase) {
        return Arrays.stream(values()).filter(type -> type.bodyCase == bodyCase).findFirst();
    }
}
