package dev.ambit.ztunnel.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.net.Inet4Address;
import java.util.Optional;

/**
 * A resource record held apart from any buffer, so that it outlives the message it came in (the cache keeps it) and
 * becomes a fresh record for every answer. Netty's decoder has already expanded compressed names in the record types
 * that may carry them (CNAME, NS, MX, SOA, PTR), so the data is valid in any message.
 *
 * @param rdata     the record's data; null for a PTR, which Netty decodes to its target name
 * @param ptrTarget a PTR's target; null for every other type
 */
record StoredRecord(String name, DnsRecordType type, int dnsClass, long ttl, byte[] rdata, String ptrTarget) {

    /** An A or AAAA record for {@code address}. */
    static StoredRecord address(String name, InetAddress address, long ttl) {
        DnsRecordType type = address instanceof Inet4Address ? DnsRecordType.A : DnsRecordType.AAAA;
        return new StoredRecord(name, type, DnsRecord.CLASS_IN, ttl, address.getAddress(), null);
    }

    /**
     * A copy of {@code record}; empty for the kinds a forwarder does not pass on (EDNS options) and for names Netty
     * cannot write back (an upstream's, decoded but not encodable: see {@link EncodableNames}).
     */
    static Optional<StoredRecord> copyOf(DnsRecord record) {
        if (!EncodableNames.encodable(record.name())) {
            return Optional.empty();
        }
        if (record instanceof DnsRawRecord raw) {
            ByteBuf content = raw.content();
            return Optional.of(new StoredRecord(raw.name(), raw.type(), raw.dnsClass(), raw.timeToLive(),
                    ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes()), null));
        }
        if (record instanceof DnsPtrRecord ptr && EncodableNames.encodable(ptr.hostname())) {
            return Optional.of(new StoredRecord(ptr.name(), ptr.type(), ptr.dnsClass(), ptr.timeToLive(), null,
                    ptr.hostname()));
        }
        return Optional.empty();
    }

    /** A record to add to a message (which releases it), with {@code ttlSeconds} left. */
    DnsRecord toRecord(long ttlSeconds) {
        if (ptrTarget != null) {
            return new DefaultDnsPtrRecord(name, dnsClass, ttlSeconds, ptrTarget);
        }
        return new DefaultDnsRawRecord(name, type, dnsClass, ttlSeconds, Unpooled.wrappedBuffer(rdata));
    }

    /** An upper bound of its size in a message: the name uncompressed, the fixed fields and the data. */
    int maxEncodedSize() {
        int data = rdata != null ? rdata.length : ptrTarget.length() + 2;
        return name.length() + 2 + 10 + data;
    }
}
