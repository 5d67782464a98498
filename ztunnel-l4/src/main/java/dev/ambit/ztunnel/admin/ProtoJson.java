package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Writes protobuf messages in the proto3 JSON mapping, so the config dump reads like the config stream's schema
 * ({@code ambit/config/v1/config.proto}): lowerCamel field names, enum value names, 64-bit integers as strings,
 * Durations as {@code "1.5s"}; fields at their defaults are left out.
 */
final class ProtoJson {

    private ProtoJson() {
    }

    static void write(Message message, JsonGenerator json) throws IOException {
        if (message instanceof Duration duration) {
            json.writeString(BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNanos(), 9))
                    .stripTrailingZeros().toPlainString() + "s");
            return;
        }
        json.writeStartObject();
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            json.writeFieldName(field.getKey().getJsonName());
            if (field.getKey().isMapField()) {
                writeMap(field.getKey(), (List<?>) field.getValue(), json);
            } else if (field.getKey().isRepeated()) {
                json.writeStartArray();
                for (Object element : (List<?>) field.getValue()) {
                    writeValue(field.getKey(), element, json);
                }
                json.writeEndArray();
            } else {
                writeValue(field.getKey(), field.getValue(), json);
            }
        }
        json.writeEndObject();
    }

    /** A map field is a list of entry messages with a {@code key} and a {@code value} field. */
    private static void writeMap(FieldDescriptor field, List<?> entries, JsonGenerator json) throws IOException {
        FieldDescriptor key = field.getMessageType().findFieldByName("key");
        FieldDescriptor value = field.getMessageType().findFieldByName("value");
        json.writeStartObject();
        for (Object entry : entries) {
            Message pair = (Message) entry;
            json.writeFieldName(String.valueOf(pair.getField(key)));
            writeValue(value, pair.getField(value), json);
        }
        json.writeEndObject();
    }

    private static void writeValue(FieldDescriptor field, Object value, JsonGenerator json) throws IOException {
        switch (field.getJavaType()) {
            case MESSAGE -> write((Message) value, json);
            case ENUM -> json.writeString(((EnumValueDescriptor) value).getName());
            case STRING -> json.writeString((String) value);
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case INT -> {
                boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32
                        || field.getType() == FieldDescriptor.Type.FIXED32;
                json.writeNumber(unsigned ? Integer.toUnsignedLong((Integer) value) : (Integer) value);
            }
            case LONG -> {
                boolean unsigned = field.getType() == FieldDescriptor.Type.UINT64
                        || field.getType() == FieldDescriptor.Type.FIXED64;
                json.writeString(unsigned ? Long.toUnsignedString((Long) value) : Long.toString((Long) value));
            }
            case FLOAT -> json.writeNumber((Float) value);
            case DOUBLE -> json.writeNumber((Double) value);
            case BYTE_STRING -> json.writeBinary(((ByteString) value).toByteArray());
        }
    }
}
