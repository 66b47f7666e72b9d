package io.mailseal.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * Validated answers (data and NXDOMAIN, never bogus or failed ones) kept for their TTL, at most a
 * day and at most {@value #MAX_ENTRIES} names; the least recently used go first.
 */
final class AnswerCache {
    private static final int MAX_ENTRIES = 10_000;
    private static final Duration LONGEST = Duration.ofDays(1);

    private record Key(Name name, int type) {}

    private record Entry(DnsAnswer answer, Instant expires) {}

    private final Clock clock;
    private final Map<Key, Entry> entries =
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                    return size() > MAX_ENTRIES;
                }
            };

    AnswerCache(Clock clock) {
        this.clock = clock;
    }

    synchronized Optional<DnsAnswer> get(Name name, int type) {
        Key key = new Key(name, type);
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.expires())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(e.answer());
    }

    synchronized void put(Name name, int type, DnsAnswer answer) {
        Duration ttl =
                answer instanceof DnsAnswer.Records r
                        ? r.ttl()
                        : answer instanceof DnsAnswer.NoSuchName n ? n.ttl() : Duration.ZERO;
        if (!ttl.isNegative() && !ttl.isZero()) {
            Duration kept = ttl.compareTo(LONGEST) < 0 ? ttl : LONGEST;
            entries.put(new Key(name, type), new Entry(answer, clock.instant().plus(kept)));
        }
    }
}
