package dev.ambit.local.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The spans of one trace from the collector's JSON view, and the chain they form from the caller's span down. */
final class TraceChain {

    private TraceChain() {
    }

    /** The collector's {@code /spans} JSON (what precedes the array, such as a JVM warning, is skipped). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String json) {
        int start = json.indexOf('[');
        if (start < 0) {
            throw new IllegalStateException("not the collector's span list: " + json);
        }
        // JSON is YAML: the local mesh's YAML parser reads it without another dependency.
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(json.substring(start));
        return (List<Map<String, Object>>) parsed;
    }

    /** From the span whose parent is {@code rootParent}, each span's child in turn, while there is exactly one. */
    static List<Map<String, Object>> inHopOrder(List<Map<String, Object>> spans, String rootParent) {
        List<Map<String, Object>> chain = new ArrayList<>();
        String parent = rootParent;
        while (true) {
            String expected = parent;
            List<Map<String, Object>> children = spans.stream()
                    .filter(span -> expected.equals(span.get("parentSpanId"))).toList();
            if (children.size() != 1) {
                return chain;
            }
            chain.add(children.get(0));
            parent = (String) children.get(0).get("spanId");
        }
    }

    /** Each span of the chain as {@code KIND service}, e.g. {@code SERVER public.edge}. */
    static List<String> hops(List<Map<String, Object>> chain) {
        return chain.stream().map(span -> span.get("kind") + " " + span.get("service")).toList();
    }

    /** Every span of the trace in the chain, a SERVER span first and a CLIENT span under it. */
    static boolean isServerThenClient(List<Map<String, Object>> chain, int spansOfTrace) {
        return chain.size() == spansOfTrace && chain.size() >= 2 && "SERVER".equals(chain.get(0).get("kind"))
                && "CLIENT".equals(chain.get(1).get("kind"));
    }
}
