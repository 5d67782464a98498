package dev.ambit.control.model;

import com.google.protobuf.CodedOutputStream;
import dev.ambit.api.config.ResourceCodec;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Versions are a hash of the resource's content rather than a counter: a controller restart, or another replica,
 * gives an unchanged resource the same version, so a client that resumes with its versions gets nothing resent.
 */
public final class ResourceVersions {

    private static final int VERSION_BYTES = 10;

    private ResourceVersions() {
    }

    public static ConfigEntry entry(ConfigResource model) {
        Resource unversioned = ResourceCodec.encode(model, "");
        return new ConfigEntry(model, unversioned.toBuilder().setVersion(hash(unversioned)).build());
    }

    private static String hash(Resource resource) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(resource.getSerializedSize());
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        // Maps (labels, selectors) serialize in insertion order otherwise, which differs between processes.
        out.useDeterministicSerialization();
        try {
            resource.writeTo(out);
            out.flush();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return HexFormat.of().formatHex(digest, 0, VERSION_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
