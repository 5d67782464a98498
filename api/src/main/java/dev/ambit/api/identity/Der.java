package dev.ambit.api.identity;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few DER (ASN.1) encodings a workload needs, written and read with the JDK alone: a certificate request to
 * build, a SEC1 key's curve to find. The mesh's data-plane processes thereby load no ASN.1 library; the controller,
 * which issues certificates, keeps BouncyCastle.
 */
final class Der {

    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int BOOLEAN = 0x01;

    private Der() {
    }

    static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return tlv(SET, concat(elements));
    }

    /** A context-specific tag {@code [number]} around {@code content}, constructed (e.g. IMPLICIT SET OF). */
    static byte[] contextConstructed(int number, byte[] content) {
        return tlv(0xA0 | number, content);
    }

    /** A context-specific tag {@code [number]} for a primitive value (e.g. a GeneralName's IA5String). */
    static byte[] contextPrimitive(int number, byte[] content) {
        return tlv(0x80 | number, content);
    }

    static byte[] smallInteger(int value) {
        if (value < 0 || value > 127) {
            throw new IllegalArgumentException("only 0..127 are needed here, not " + value);
        }
        return tlv(INTEGER, new byte[] {(byte) value});
    }

    static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xFF : 0x00)});
    }

    static byte[] octetString(byte[] content) {
        return tlv(OCTET_STRING, content);
    }

    /** A BIT STRING of whole bytes (no unused bits), as signatures are. */
    static byte[] bitString(byte[] content) {
        byte[] bits = new byte[content.length + 1];
        System.arraycopy(content, 0, bits, 1, content.length);
        return tlv(BIT_STRING, bits);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeBase128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OBJECT_IDENTIFIER, out.toByteArray());
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int group = groups - 1; group >= 0; group--) {
            int septet = (int) ((value >>> (group * 7)) & 0x7F);
            out.write(group == 0 ? septet : septet | 0x80);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One element read from DER: its tag and its content. */
    record Element(int tag, byte[] content) {

        /** The elements inside a constructed element (a SEQUENCE, a SET, a constructed context tag). */
        List<Element> children() {
            return Der.read(content);
        }
    }

    /**
     * The top-level elements of {@code der}, in order. Throws {@link IllegalArgumentException} on anything truncated
     * or longer than it says, and on indefinite lengths (not DER).
     */
    static List<Element> read(byte[] der) {
        List<Element> elements = new ArrayList<>();
        int at = 0;
        while (at < der.length) {
            int tag = der[at++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new IllegalArgumentException("multi-byte tags are not used here");
            }
            if (at >= der.length) {
                throw new IllegalArgumentException("truncated DER: no length");
            }
            int first = der[at++] & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7F;
                if (bytes == 0 || bytes > 3 || at + bytes > der.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[at++] & 0xFF);
                }
            }
            if (length > der.length - at) {
                throw new IllegalArgumentException("truncated DER: " + length + " bytes announced, "
                        + (der.length - at) + " left");
            }
            elements.add(new Element(tag, Arrays.copyOfRange(der, at, at + length)));
            at += length;
        }
        return elements;
    }
}
