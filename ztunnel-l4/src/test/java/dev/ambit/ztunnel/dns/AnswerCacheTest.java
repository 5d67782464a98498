package dev.ambit.ztunnel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AnswerCacheTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final AnswerCache cache = new AnswerCache(2, now::get);

    @Test
    void holdsAnAnswerForItsSmallestTtlAndServesWhatIsLeft() {
        AnswerCache.Key key = AnswerCache.Key.of("Example.com.", DnsRecordType.A, DnsRecord.CLASS_IN);
        cache.put(key, positive(60, 30));

        advance(10);
        Answer cached = cache.get(AnswerCache.Key.of("example.com.", DnsRecordType.A, DnsRecord.CLASS_IN))
                .orElseThrow();
        assertEquals(Answer.Source.CACHE, cached.source());
        assertEquals(List.of(50L, 20L), cached.answers().stream().map(StoredRecord::ttl).toList());

        advance(20);
        assertTrue(cache.get(key).isEmpty(), "gone once its smallest TTL (30 s) has passed");
        assertEquals(0, cache.size());
    }

    @Test
    void negativeAnswersHoldForTheirSoaAndNotAtAllWithout() {
        AnswerCache.Key withSoa = AnswerCache.Key.of("nope.example.", DnsRecordType.A, DnsRecord.CLASS_IN);
        AnswerCache.Key without = AnswerCache.Key.of("nope2.example.", DnsRecordType.A, DnsRecord.CLASS_IN);
        StoredRecord soa = new StoredRecord("example.", DnsRecordType.SOA, DnsRecord.CLASS_IN, 5, new byte[22], null);
        cache.put(withSoa, new Answer(DnsResponseCode.NXDOMAIN, List.of(), List.of(soa), Answer.Source.UPSTREAM));
        cache.put(without, new Answer(DnsResponseCode.NXDOMAIN, List.of(), List.of(), Answer.Source.UPSTREAM));

        assertEquals(DnsResponseCode.NXDOMAIN, cache.get(withSoa).orElseThrow().code());
        assertTrue(cache.get(without).isEmpty());
        advance(5);
        assertTrue(cache.get(withSoa).isEmpty());
    }

    @Test
    void failuresAndZeroTtlsAreNotHeld() {
        AnswerCache.Key key = AnswerCache.Key.of("a.", DnsRecordType.A, DnsRecord.CLASS_IN);
        cache.put(key, new Answer(DnsResponseCode.SERVFAIL, List.of(), List.of(), Answer.Source.UPSTREAM));
        assertTrue(cache.get(key).isEmpty());
        cache.put(key, positive(0));
        assertTrue(cache.get(key).isEmpty());
    }

    @Test
    void theLeastRecentlyUsedGoesFirstPastTheBound() {
        AnswerCache.Key a = AnswerCache.Key.of("a.", DnsRecordType.A, DnsRecord.CLASS_IN);
        AnswerCache.Key b = AnswerCache.Key.of("b.", DnsRecordType.A, DnsRecord.CLASS_IN);
        AnswerCache.Key c = AnswerCache.Key.of("c.", DnsRecordType.A, DnsRecord.CLASS_IN);
        cache.put(a, positive(60));
        cache.put(b, positive(60));
        cache.get(a);
        cache.put(c, positive(60));

        assertEquals(2, cache.size());
        assertTrue(cache.get(a).isPresent());
        assertTrue(cache.get(b).isEmpty(), "b was used least recently");
        assertTrue(cache.get(c).isPresent());
    }

    @Test
    void noneAtAllWithCapacityZero() {
        AnswerCache none = new AnswerCache(0, now::get);
        AnswerCache.Key a = AnswerCache.Key.of("a.", DnsRecordType.A, DnsRecord.CLASS_IN);
        none.put(a, positive(60));
        assertTrue(none.get(a).isEmpty());
    }

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private static Answer positive(long... ttls) {
        List<StoredRecord> records = java.util.Arrays.stream(ttls)
                .mapToObj(ttl -> StoredRecord.address("example.com.", InetAddress.getLoopbackAddress(), ttl))
                .toList();
        return new Answer(DnsResponseCode.NOERROR, records, List.of(), Answer.Source.UPSTREAM);
    }
}
