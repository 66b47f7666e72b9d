package io.mailseal.dns;

import io.mailseal.config.DnsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Looks names up through dnsjava's {@link ValidatingResolver}: mailseal checks the DNSSEC
 * signatures itself, from its trust anchors down, and does not trust an upstream's AD bit. One
 * lookup (CNAMEs followed, every DS and DNSKEY query of the validation chain included) ends at its
 * {@link Deadline}: the wait for each answer is bounded by what is left of it, so a slow or silent
 * upstream costs at most {@code mailseal.dns.timeout}, however many queries and retries it takes.
 */
public final class ValidatingDns {
    private static final int MAX_CNAMES = 8;
    private static final Duration NEGATIVE_TTL_WITHOUT_SOA = Duration.ofMinutes(1);

    private final Resolver resolver;
    private final Resolver upstream;
    private final Duration timeout;
    private final AnswerCache cache;

    /**
     * @param anchors trust anchors as {@link TrustAnchorFile#read} returns them
     * @param clock the time signatures are checked against, and the cache's
     */
    ValidatingDns(Resolver upstream, byte[] anchors, Duration timeout, Clock clock) {
        ValidatingResolver validating = new ValidatingResolver(upstream, clock);
        try {
            validating.loadTrustAnchors(new ByteArrayInputStream(anchors));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // read() parsed them already
        }
        this.resolver = validating;
        this.upstream = upstream;
        this.timeout = timeout;
        this.cache = new AnswerCache(clock);
    }

    /**
     * The resolver {@code config} describes; its trust anchors are read and checked here.
     *
     * @throws io.mailseal.config.ConfigException naming {@code mailseal.dns.trust-anchors}
     */
    public static ValidatingDns open(DnsConfig config, Clock clock) {
        byte[] anchors = TrustAnchorFile.read(config.trustAnchors());
        ExtendedResolver upstream =
                config.servers().isEmpty()
                        ? new ExtendedResolver()
                        : new ExtendedResolver(
                                config.servers().stream()
                                        .map(
                                                s ->
                                                        new SimpleResolver(
                                                                new InetSocketAddress(
                                                                        s.host(), s.port())))
                                        .toArray(Resolver[]::new));
        upstream.setTimeout(config.queryTimeout());
        return new ValidatingDns(upstream, anchors, config.timeout(), clock);
    }

    /** The total time of one lookup ({@code mailseal.dns.timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** One lookup with a deadline of its own. */
    public DnsAnswer lookup(Name name, int type) {
        return lookup(name, type, Deadline.after(timeout));
    }

    /** One lookup within {@code deadline}, shared with the caller's other lookups. */
    public DnsAnswer lookup(Name name, int type, Deadline deadline) {
        Optional<DnsAnswer> cached = cache.get(name, type);
        if (cached.isPresent()) {
            return cached.get();
        }
        DnsAnswer answer = resolve(name, type, deadline);
        cache.put(name, type, answer);
        return answer;
    }

    private DnsAnswer resolve(Name name, int type, Deadline deadline) {
        Name current = name;
        Security security = Security.SECURE;
        int cnames = 0;
        while (true) {
            Message m;
            try {
                m = exchange(resolver, query(current, type, false), deadline);
            } catch (TimeoutException e) {
                return noAnswer(deadline);
            } catch (IOException e) {
                return new DnsAnswer.Failed(e.getMessage());
            }
            int rcode = m.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return failure(current, type, m, deadline);
            }
            security =
                    security.and(
                            m.getHeader().getFlag(Flags.AD) ? Security.SECURE : Security.INSECURE);
            List<Record> answers = m.getSection(Section.ANSWER);
            Name asked = current;
            List<Record> found = new ArrayList<>();
            for (boolean moved = true; moved && cnames <= MAX_CNAMES; ) {
                moved = false;
                for (Record r : answers) {
                    if (!r.getName().equals(current)) {
                        continue;
                    }
                    if (r.getType() == type) {
                        found.add(r);
                    } else if (r instanceof CNAMERecord c && found.isEmpty()) {
                        current = c.getTarget();
                        cnames++;
                        moved = true;
                    }
                }
            }
            if (!found.isEmpty()) {
                return new DnsAnswer.Records(found, security, smallestTtl(found));
            }
            if (cnames > MAX_CNAMES) {
                return new DnsAnswer.Failed("more than " + MAX_CNAMES + " CNAMEs from " + name);
            }
            if (current.equals(asked) || rcode == Rcode.NXDOMAIN) {
                Duration ttl = negativeTtl(m);
                return rcode == Rcode.NXDOMAIN
                        ? new DnsAnswer.NoSuchName(security, ttl)
                        : new DnsAnswer.Records(List.of(), security, ttl);
            }
            // the CNAME's target was not in the answer: ask for it, within the same deadline
        }
    }

    private static DnsAnswer noAnswer(Deadline deadline) {
        long millis = deadline.total().toMillis();
        return new DnsAnswer.Failed(
                "no answer within " + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms"));
    }

    /**
     * The validator answers SERVFAIL both for an answer it found bogus and for an upstream that
     * failed itself; asking the upstream once more without validation (CD) tells the two apart, so
     * the administrator reads "SERVFAIL from upstream" and not a DNSSEC failure that was none.
     */
    private DnsAnswer failure(Name name, int type, Message validated, Deadline deadline) {
        Optional<String> reason = validationFailure(validated);
        String rcode = Rcode.string(validated.getRcode());
        if (reason.isEmpty()) {
            return new DnsAnswer.Failed(rcode);
        }
        try {
            int raw = exchange(upstream, query(name, type, true), deadline).getRcode();
            return raw == Rcode.NOERROR || raw == Rcode.NXDOMAIN
                    ? new DnsAnswer.Bogus(reason.get())
                    : new DnsAnswer.Failed(Rcode.string(raw) + " from upstream");
        } catch (TimeoutException e) {
            return noAnswer(deadline);
        } catch (IOException e) {
            return new DnsAnswer.Failed(e.getMessage());
        }
    }

    private static Message query(Name name, int type, boolean checkingDisabled) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (checkingDisabled) {
            query.getHeader().setFlag(Flags.CD);
        }
        return query;
    }

    private static Message exchange(Resolver via, Message query, Deadline deadline)
            throws TimeoutException, IOException {
        long nanos = deadline.remaining().toNanos();
        if (nanos <= 0) {
            throw new TimeoutException();
        }
        CompletableFuture<Message> reply = via.sendAsync(query).toCompletableFuture();
        try {
            return reply.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException(
                    cause.getMessage() == null
                            ? cause.getClass().getSimpleName()
                            : cause.getMessage(),
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply.cancel(true);
            throw new IOException("interrupted", e);
        }
    }

    /** The validator's reason, when it is the one that failed the answer. */
    private static Optional<String> validationFailure(Message m) {
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord t
                    && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return Optional.of(String.join("", t.getStrings()));
            }
        }
        return Optional.empty();
    }

    private static Duration smallestTtl(List<Record> records) {
        return Duration.ofSeconds(records.stream().mapToLong(Record::getTTL).min().orElse(0));
    }

    /** RFC 2308 §5: the smaller of the SOA's TTL and its minimum field. */
    private static Duration negativeTtl(Message m) {
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum()));
            }
        }
        return NEGATIVE_TTL_WITHOUT_SOA;
    }
}
