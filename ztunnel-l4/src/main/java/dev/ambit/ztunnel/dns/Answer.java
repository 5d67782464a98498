package dev.ambit.ztunnel.dns;

import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.List;

/**
 * What the proxy answers one question with, before it becomes a message.
 *
 * @param answers     the answer section; TTLs as they are now
 * @param authorities the authority section (an upstream's SOA, which tells how long a negative answer holds)
 * @param source      where it came from
 */
record Answer(DnsResponseCode code, List<StoredRecord> answers, List<StoredRecord> authorities, Source source) {

    /** Where an answer came from: the metric label {@code source}. */
    enum Source {
        MESH("mesh"), UPSTREAM("upstream"), CACHE("cache"),
        /** The proxy's own SERVFAIL (upstream timed out, failed or too many in flight), counted as a failure. */
        PROXY("proxy");

        final String label;

        Source(String label) {
            this.label = label;
        }
    }

    Answer {
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
    }

    static Answer failed() {
        return new Answer(DnsResponseCode.SERVFAIL, List.of(), List.of(), Source.PROXY);
    }
}
