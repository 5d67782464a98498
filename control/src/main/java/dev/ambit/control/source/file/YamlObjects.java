package dev.ambit.control.source.file;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.ambit.control.source.SupportedKinds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads Kubernetes objects from YAML text with SnakeYAML's node tree, which keeps the line of every field, then
 * into fabric8's typed objects. Our own kinds' {@code spec}s are read strictly, so a misspelt field is an error
 * rather than silently ignored.
 */
final class YamlObjects {

    private static final Logger log = LoggerFactory.getLogger(YamlObjects.class);
    private static final Set<String> TRUE = Set.of("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON");
    private static final int MAX_ALIASES = 50;

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectMapper strict = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Every supported object in {@code text}; documents of other kinds are skipped with a warning. */
    List<LocatedObject> read(Path file, String text) throws YamlFileException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        List<LocatedObject> objects = new ArrayList<>();
        try {
            for (Node document : new Yaml(options).composeAll(new StringReader(text))) {
                if (document != null) {
                    convert(file, document).ifPresent(objects::add);
                }
            }
        } catch (MarkedYAMLException e) {
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            throw new YamlFileException(file, e.getProblemMark().getLine() + 1,
                    "invalid YAML: " + (e.getContext() == null ? "" : e.getContext() + ", ") + problem);
        } catch (YAMLException e) {
            throw new YamlFileException(file, 1, "invalid YAML: " + e.getMessage());
        }
        return objects;
    }

    private Optional<LocatedObject> convert(Path file, Node document) throws YamlFileException {
        int line = lineOf(document);
        if (!(document instanceof MappingNode)) {
            throw new YamlFileException(file, line, "a document must be a Kubernetes object (a mapping)");
        }
        Map<String, Integer> lines = new HashMap<>();
        Map<String, Object> fields;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = (Map<String, Object>) toJava(document, "", lines, new IdentityHashMap<>());
            fields = read;
        } catch (RecursiveAliasException e) {
            throw new YamlFileException(file, e.line, "an alias refers to a node that contains it");
        }
        Object apiVersion = fields.get("apiVersion");
        Object kindName = fields.get("kind");
        if (!(apiVersion instanceof String) || !(kindName instanceof String)) {
            throw new YamlFileException(file, line, "apiVersion and kind are required");
        }
        Optional<SupportedKinds.Kind> kind = SupportedKinds.find((String) apiVersion, (String) kindName);
        if (kind.isEmpty()) {
            log.warn("event=config_document_skipped file={} line={} api_version={} kind={} reason=unsupported_kind",
                    file, line, apiVersion, kindName);
            return Optional.empty();
        }
        Object metadata = fields.get("metadata");
        if (!(metadata instanceof Map<?, ?> meta) || !(meta.get("name") instanceof String)) {
            throw new YamlFileException(file, lines.getOrDefault("metadata", line), "metadata.name is required");
        }
        if (kind.get().namespaced() && meta.get("namespace") == null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> writable = (Map<String, Object>) meta;
            writable.put("namespace", "default");
        }
        String object = kindName + " " + meta.get("name");
        if (kind.get().spec().isPresent() && fields.get("spec") != null) {
            typed(file, lines, line, object, "spec", fields.get("spec"), kind.get().spec().get(), strict);
        }
        HasMetadata typed = (HasMetadata) typed(file, lines, line, object, "", fields, kind.get().type(), null);
        return Optional.of(new LocatedObject(typed, file, line, Map.copyOf(lines)));
    }

    private Object typed(Path file, Map<String, Integer> lines, int line, String object, String prefix, Object value,
            Class<?> type, ObjectMapper mapper) throws YamlFileException {
        try {
            return mapper == null ? serialization.convertValue(value, type) : mapper.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            JsonMappingException mapping = e.getCause() instanceof JsonMappingException cause ? cause : null;
            String path = mapping == null ? prefix : pathOf(prefix, mapping);
            String problem = mapping instanceof UnrecognizedPropertyException unknown
                    ? "unknown field '" + unknown.getPropertyName() + "'"
                    : mapping == null ? e.getMessage() : mapping.getOriginalMessage();
            throw new YamlFileException(file, LocatedObject.lineOf(lines, path, line),
                    object + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }
    }

    private static String pathOf(String prefix, JsonMappingException e) {
        StringBuilder path = new StringBuilder(prefix);
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /**
     * @param ancestors the collections being read around {@code node}: an alias may point at one of them
     *                  ({@code a: &x [*x]}), which SnakeYAML composes into a node containing itself; read on, that
     *                  would recurse until the stack overflows (found by YamlObjectsFuzzTest)
     */
    private static Object toJava(Node node, String path, Map<String, Integer> lines, Map<Node, Boolean> ancestors) {
        lines.putIfAbsent(path, lineOf(node));
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar);
        }
        if (ancestors.put(node, Boolean.TRUE) != null) {
            throw new RecursiveAliasException(lineOf(node));
        }
        try {
            if (node instanceof MappingNode mapping) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    String key = String.valueOf(toJava(tuple.getKeyNode(), path + "#key", new HashMap<>(), ancestors));
                    String child = path.isEmpty() ? key : path + "." + key;
                    lines.put(child, lineOf(tuple.getKeyNode()));
                    map.put(key, toJava(tuple.getValueNode(), child, lines, ancestors));
                }
                return map;
            }
            SequenceNode sequence = (SequenceNode) node;
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                list.add(toJava(sequence.getValue().get(i), path + "[" + i + "]", lines, ancestors));
            }
            return list;
        } finally {
            ancestors.remove(node);
        }
    }

    private static final class RecursiveAliasException extends RuntimeException {

        private final int line;

        RecursiveAliasException(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    /** YAML 1.1 core types, as Kubernetes' own YAML reader resolves them. */
    private static Object scalar(ScalarNode node) {
        String text = node.getValue();
        Tag tag = node.getTag();
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        if (Tag.BOOL.equals(tag)) {
            return TRUE.contains(text);
        }
        try {
            if (Tag.INT.equals(tag)) {
                // Integer when it fits: fabric8's IntOrString (ports) takes nothing wider.
                BigInteger value = new BigInteger(text.replace("_", ""));
                return value.bitLength() < 32 ? (Object) value.intValue()
                        : value.bitLength() < 64 ? (Object) value.longValue() : value;
            }
            if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            // Sexagesimal and other YAML 1.1 oddities: kept as text, which typed fields then refuse by name.
            return text;
        }
        return text;
    }

    private static int lineOf(Node node) {
        return node.getStartMark().getLine() + 1;
    }
}
