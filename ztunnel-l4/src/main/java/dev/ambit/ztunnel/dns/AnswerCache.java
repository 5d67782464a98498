package dev.ambit.ztunnel.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The upstream's answers, each for as long as its TTL says, at most {@code capacity} of them (the least recently
 * used goes first). Positive answers hold for their smallest record TTL; negative ones (NXDOMAIN, or no record of the
 * type) for their SOA's TTL, and not at all without one (RFC 2308). Served answers carry the TTL they have left.
 */
final class AnswerCache {

    /** Nothing is held longer than this, whatever the upstream says. */
    static final long MAX_TTL_SECONDS = 3600;

    record Key(String name, DnsRecordType type, int dnsClass) {
        static Key of(String name, DnsRecordType type, int dnsClass) {
            return new Key(name.toLowerCase(Locale.ROOT), type, dnsClass);
        }
    }

    private record Entry(Answer answer, long storedNanos, long expiresNanos) {
    }

    private final int capacity;
    private final LongSupplier nanoTime;
    private final Map<Key, Entry> entries;

    AnswerCache(int capacity, LongSupplier nanoTime) {
        this.capacity = capacity;
        this.nanoTime = nanoTime;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > AnswerCache.this.capacity;
            }
        };
    }

    /** The answer held for {@code key} with the TTLs it has left; empty when none or it expired. */
    synchronized Optional<Answer> get(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        if (now - entry.expiresNanos >= 0) {
            entries.remove(key);
            return Optional.empty();
        }
        long elapsedSeconds = (now - entry.storedNanos) / 1_000_000_000L;
        Answer stored = entry.answer;
        return Optional.of(new Answer(stored.code(), aged(stored.answers(), elapsedSeconds),
                aged(stored.authorities(), elapsedSeconds), Answer.Source.CACHE));
    }

    /** Holds {@code answer} for its TTL, if it has one. */
    synchronized void put(Key key, Answer answer) {
        if (capacity == 0) {
            return;
        }
        long ttl = ttlSeconds(answer);
        if (ttl <= 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        entries.put(key, new Entry(answer, now, now + ttl * 1_000_000_000L));
    }

    synchronized int size() {
        return entries.size();
    }

    /** How long {@code answer} may be held; 0 for not at all. */
    static long ttlSeconds(Answer answer) {
        boolean positive = answer.code() == DnsResponseCode.NOERROR && !answer.answers().isEmpty();
        boolean negative = answer.code() == DnsResponseCode.NXDOMAIN
                || answer.code() == DnsResponseCode.NOERROR && answer.answers().isEmpty();
        List<StoredRecord> bounding = positive ? answer.answers()
                : negative ? answer.authorities().stream().filter(r -> r.type() == DnsRecordType.SOA).toList()
                : List.of();
        return bounding.stream().mapToLong(StoredRecord::ttl).min().orElse(0) > 0
                ? Math.min(MAX_TTL_SECONDS, bounding.stream().mapToLong(StoredRecord::ttl).min().getAsLong())
                : 0;
    }

    private static List<StoredRecord> aged(List<StoredRecord> records, long elapsedSeconds) {
        List<StoredRecord> aged = new ArrayList<>(records.size());
        for (StoredRecord r : records) {
            aged.add(new StoredRecord(r.name(), r.type(), r.dnsClass(), Math.max(0, r.ttl() - elapsedSeconds),
                    r.rdata(), r.ptrTarget()));
        }
        return aged;
    }
}
