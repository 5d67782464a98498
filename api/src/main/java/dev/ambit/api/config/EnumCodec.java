package dev.ambit.api.config;

import com.google.protobuf.ProtocolMessageEnum;
import dev.ambit.api.model.InvalidConfigException;

/**
 * Maps protobuf enums to model enums by constant name. The protobuf zero value ({@code *_UNSPECIFIED}) has no
 * model counterpart unless it is named like one; it decodes to a default, or fails when the field has none.
 */
final class EnumCodec {

    private static final String UNRECOGNIZED = "UNRECOGNIZED";

    private EnumCodec() {
    }

    /** @param whenUnset the value of an unset field, or null when it must be set */
    static <P extends Enum<P> & ProtocolMessageEnum, M extends Enum<M>> M decode(
            String field, P value, Class<M> modelType, M whenUnset) {
        for (M constant : modelType.getEnumConstants()) {
            if (constant.name().equals(value.name())) {
                return constant;
            }
        }
        if (!value.name().equals(UNRECOGNIZED) && value.getNumber() == 0) {
            if (whenUnset == null) {
                throw new InvalidConfigException("", field, "is required");
            }
            return whenUnset;
        }
        throw new InvalidConfigException("", field, "has a value this client does not know");
    }

    static <P extends Enum<P>, M extends Enum<M>> P encode(M value, Class<P> protoType) {
        return Enum.valueOf(protoType, value.name());
    }
}
