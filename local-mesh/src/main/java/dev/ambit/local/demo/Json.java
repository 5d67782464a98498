package dev.ambit.local.demo;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Writes the demo's report (maps, lists, strings, numbers, booleans) as JSON. */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value instanceof Map<?, ?> map) {
            writeEntries(map.entrySet().iterator(), out, indent, '{', '}');
        } else if (value instanceof List<?> list) {
            writeEntries(list.iterator(), out, indent, '[', ']');
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value == null) {
            out.append("null");
        } else {
            string(value.toString(), out);
        }
    }

    private static void writeEntries(Iterator<?> entries, StringBuilder out, String indent, char open, char close) {
        out.append(open);
        String inner = indent + "  ";
        boolean first = true;
        while (entries.hasNext()) {
            Object entry = entries.next();
            out.append(first ? "\n" : ",\n").append(inner);
            first = false;
            if (entry instanceof Map.Entry<?, ?> field) {
                string(String.valueOf(field.getKey()), out);
                out.append(": ");
                write(field.getValue(), out, inner);
            } else {
                write(entry, out, inner);
            }
        }
        out.append(first ? "" : "\n" + indent).append(close);
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
