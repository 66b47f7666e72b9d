package io.mailseal.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;

/**
 * The outcome of one lookup. Only {@link Records} and {@link NoSuchName} carry data; {@link Bogus}
 * (a DNSSEC validation failure: forged, broken or stripped signatures) and {@link Failed} (no
 * usable answer in time) are both temporary for every caller.
 */
public sealed interface DnsAnswer {

    /**
     * The records of the asked type at the name (CNAMEs followed); empty when the name exists
     * without that type (NODATA).
     *
     * @param ttl how long the answer may be kept (the smallest TTL in it)
     */
    record Records(List<Record> records, Security security, Duration ttl) implements DnsAnswer {
        public Records {
            records = List.copyOf(records);
        }

        /** The addresses the A and AAAA records among {@code records} hold, in their order. */
        public List<InetAddress> addresses() {
            return records.stream()
                    .<InetAddress>mapMulti(
                            (r, out) -> {
                                if (r instanceof ARecord a) {
                                    out.accept(a.getAddress());
                                } else if (r instanceof AAAARecord q) {
                                    out.accept(q.getAddress());
                                }
                            })
                    .toList();
        }
    }

    /** The name does not exist (NXDOMAIN). */
    record NoSuchName(Security security, Duration ttl) implements DnsAnswer {}

    /** The answer failed DNSSEC validation; {@code reason} is the validator's. */
    record Bogus(String reason) implements DnsAnswer {}

    /** No usable answer: SERVFAIL, REFUSED, no answer within the deadline, a broken reply. */
    record Failed(String reason) implements DnsAnswer {}
}
