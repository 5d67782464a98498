package dev.ambit.local.demo;

import java.util.List;
import java.util.Map;

/** The demo report for people (one line per step) and for machines (JSON). */
public final class DemoSummary {

    private DemoSummary() {
    }

    public static String json(Map<String, Object> report) {
        return Json.write(report);
    }

    public static boolean passed(Map<String, Object> report) {
        return report.values().stream().allMatch(step -> Boolean.TRUE.equals(((Map<?, ?>) step).get("pass")));
    }

    public static String text(Map<String, Object> report) {
        StringBuilder out = new StringBuilder("Ambit local mesh demo\n");
        report.forEach((step, value) -> {
            Map<?, ?> result = (Map<?, ?>) value;
            out.append(String.format("  %-12s %s  %s%n", step, Boolean.TRUE.equals(result.get("pass")) ? "PASS" : "FAIL",
                    describe(step, result)));
        });
        out.append(passed(report) ? "All steps passed.\n" : "Some steps FAILED; see the logs.\n");
        return out.toString();
    }

    private static String spans(Map<?, ?> r) {
        return "trace " + r.get("traceId") + ": " + ((List<?>) r.get("spans")).stream()
                .map(span -> (Map<?, ?>) span)
                .map(span -> span.get("kind") + " " + span.get("service") + " route=" + span.get("route")
                        + " status=" + span.get("status"))
                .reduce((a, b) -> a + " -> " + b).orElse("no spans");
    }

    private static String describe(String step, Map<?, ?> r) {
        return switch (step) {
            case "mtls" -> ((List<?>) r.get("connections")).stream()
                    .map(c -> (Map<?, ?>) c)
                    .map(c -> c.get("source") + " -> " + c.get("destination") + " on " + c.get("node") + " ("
                            + c.get("connections") + ")")
                    .distinct().reduce((a, b) -> a + "; " + b).orElse("no client -> hello connection seen");
            case "split" -> "versions over " + r.get("requests") + " requests: " + r.get("versions");
            case "headerRoute" -> "with version-app: v1 " + r.get("withHeader") + ", without " + r.get("withoutHeader");
            case "fault" -> String.format("503 share %.0f%%, delayed p50 %s ms", 100 * (Double) r.get("abortShare"),
                    r.get("delayP50Millis"));
            case "policy" -> "DENY " + r.get("deny") + "; STRICT " + r.get("strict");
            case "metrics" -> String.valueOf(r.get("nodes"));
            case "tracing" -> spans(r) + (r.get("throughIngress") instanceof Map<?, ?> ingress
                    ? "; from outside " + (ingress.containsKey("error") ? ingress.get("error") : spans(ingress)) : "");
            case "ingress" -> r.containsKey("error") ? "from outside to " + r.get("address") + ": " + r.get("error")
                    : "from outside to " + r.get("address") + " (" + r.get("identity") + "): without header "
                    + ((Map<?, ?>) r.get("withoutHeader")).get("versions") + ", with version-app: v1 "
                    + ((Map<?, ?>) r.get("withHeader")).get("versions") + "; HTTPS " + ((Map<?, ?>) r.get("https"))
                    .entrySet().stream().map(e -> e.getKey() + " " + ((Map<?, ?>) e.getValue()).get("statuses")
                            + " cert " + ((Map<?, ?>) e.getValue()).get("servedCertificates"))
                    .reduce((a, b) -> a + ", " + b).orElse("none")
                    + "; DENY " + ((Map<?, ?>) r.get("deny")).get("statuses");
            case "graph" -> r.get("clientToHello") instanceof Map<?, ?> edge
                    ? "client -> hello " + edge.get("security") + " via " + edge.get("waypoint") + ", 403s: "
                            + (edge.get("http") instanceof Map<?, ?> http ? http.get("forbidden") : 0)
                    : "no client -> hello edge in the graph";
            case "dns" -> "client resolved " + r.get("resolvedByClient") + " (proxy answers " + r.get("proxyAnswers")
                    + "), by name " + r.get("requestsByName") + " with " + r.get("mtlsVerifiedAtDestination")
                    + " verified over mTLS; outsider (not captured) " + r.get("resolvedByOutsider");
            case "podStart" -> r.get("succeeded") + "/" + r.get("pods") + " new pods answered at once, "
                    + r.get("mtlsVerifiedAtDestination") + " verified over mTLS as " + r.get("sourcePrincipal")
                    + ", waits for the pod's config " + r.get("connectionsThatWaitedForTheirPod")
                    + ", pods without their CNI ADD enrolled after " + r.get("withoutCniEnrolledAfterMillis") + " ms"
                    + "; agent down: " + (((String) r.get("refusedWhileAgentDown")).isEmpty() ? "a pod started!"
                    : "pod not started") + ", agent back: " + ((Boolean) r.get("startedAndTunnelledOnceAgentBack")
                    ? "started and tunnelled" : "not started");
            default -> String.valueOf(r);
        };
    }
}
