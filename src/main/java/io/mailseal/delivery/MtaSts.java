package io.mailseal.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.mailseal.config.MtaStsConfig;
import io.mailseal.dns.Deadline;
import io.mailseal.dns.DnsAnswer;
import io.mailseal.dns.ValidatingDns;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.net.HttpDeadline;
import io.mailseal.net.HttpsGet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The MTA-STS policy of a recipient domain (RFC 8461 §3, §5.1): the {@code _mta-sts} TXT record
 * through the relay's resolver (an insecure answer is fine, MTA-STS does not rest on DNSSEC; a
 * bogus or failed one is no answer), then the policy over HTTPS from {@code mta-sts.DOMAIN},
 * resolved through the same resolver, its certificate PKIX-valid for that name. Policies are kept
 * in memory for their max_age and fetched again when the TXT id changes; while a fetch fails or the
 * TXT record is missing, an unexpired cached policy stays in force (a policy host that could not be
 * reached or answered badly is backed off per {@link CircuitBreaker}, not asked for each mail) — an
 * attacker who blocks the fetch cannot lift it. The cache does not survive a restart (the first
 * delivery after one fetches again, as at first contact) and holds at most {@link #MAX_DOMAINS}.
 */
public final class MtaSts {
    /** RFC 8461 §3.3 lets senders bound the policy's size; 64 KiB is ample for any mx list. */
    static final int MAX_POLICY = 64 * 1024;

    private static final String PATH = "/.well-known/mta-sts.txt";

    /**
     * Recipient domains whose policy is kept at once: far above the MTA-STS domains a bank's mail
     * goes to within a max_age; past it the least recently used is dropped and fetched again at its
     * next mail (as after a restart).
     */
    static final int MAX_DOMAINS = 100_000;

    private static final Logger log = LoggerFactory.getLogger(MtaSts.class);

    private record Cached(String id, StsPolicy policy, Instant expires) {}

    private final ValidatingDns dns;
    private final SSLSocketFactory pkix;
    private final MtaStsConfig config;
    private final Clock clock;
    private final Cache<String, Cached> cache;

    /** A policy host that failed is not asked again for each mail while it backs off. */
    private final CircuitBreaker breaker;

    /**
     * @param anchors trusted for the policy host besides the JDK's trust store
     */
    public MtaSts(
            ValidatingDns dns,
            MtaStsConfig config,
            Optional<Set<TrustAnchor>> anchors,
            Clock clock) {
        this.dns = dns;
        this.config = config;
        this.pkix = OutboundTls.pkixFactory(anchors, true);
        this.clock = clock;
        // gone at its max_age (the check below decides by the relay's clock); bounded besides
        this.cache =
                Caffeine.newBuilder()
                        .maximumSize(MAX_DOMAINS)
                        .expireAfter(
                                Expiry.writing(
                                        (String domain, Cached c) ->
                                                Duration.between(clock.instant(), c.expires())))
                        .build();
        this.breaker =
                new CircuitBreaker(
                        clock,
                        (url, backoff) ->
                                log.info(
                                        "MTA-STS policy host {} not asked again for {} s",
                                        url.getHost(),
                                        backoff.toSeconds()));
    }

    /** The policy in force for {@code domain}; empty when it has none (or mode none). */
    Optional<StsPolicy> policy(String domain) {
        Instant now = clock.instant();
        Cached cached = cache.getIfPresent(domain);
        if (cached != null && !now.isBefore(cached.expires())) {
            cache.asMap().remove(domain, cached);
            cached = null;
        }
        Optional<String> id = txtId(domain);
        StsPolicy policy = cached == null ? null : cached.policy();
        if (id.isPresent() && (cached == null || !cached.id().equals(id.get()))) {
            try {
                policy = fetch(domain);
                cache.put(domain, new Cached(id.get(), policy, now.plus(policy.maxAge())));
            } catch (IOException | StsPolicy.Invalid e) {
                log.warn(
                        "MTA-STS policy of {} (id {}) not fetched: {}{}",
                        domain,
                        id.get(),
                        HttpDeadline.describe(e),
                        policy == null ? "" : "; the cached policy stays in force");
            }
        }
        return Optional.ofNullable(policy).filter(p -> p.mode() != StsPolicy.Mode.NONE);
    }

    /**
     * The id of the one {@code v=STSv1} record (RFC 8461 §3.1); empty when there is none, more than
     * one, it is malformed, or the lookup failed.
     */
    private Optional<String> txtId(String domain) {
        DnsAnswer answer = lookup("_mta-sts." + domain, Type.TXT);
        if (!(answer instanceof DnsAnswer.Records r)) {
            return Optional.empty();
        }
        List<String> sts =
                r.records().stream()
                        .map(rr -> String.join("", ((TXTRecord) rr).getStrings()))
                        .filter(t -> t.startsWith("v=STSv1;") || t.equals("v=STSv1"))
                        .toList();
        if (sts.size() != 1) {
            return Optional.empty();
        }
        for (String field : sts.get(0).split(";")) {
            String f = field.trim();
            if (f.startsWith("id=") && f.substring(3).matches("[A-Za-z0-9]{1,32}")) {
                return Optional.of(f.substring(3));
            }
        }
        return Optional.empty();
    }

    private StsPolicy fetch(String domain) throws IOException, StsPolicy.Invalid {
        String host = "mta-sts." + domain;
        URI url = URI.create("https://" + host + ":" + config.port() + PATH);
        if (!breaker.allows(url)) {
            throw new IOException(host + " failed recently and is backing off");
        }
        try {
            return StsPolicy.parse(
                    new String(breaker.call(url, () -> policyText(host)), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The body of a 200 text/plain answer (RFC 8461 §3.3: redirects are not followed). */
    private byte[] policyText(String host) throws IOException {
        HttpsGet.Response response =
                HttpsGet.get(
                        pkix,
                        address(host),
                        config.port(),
                        host,
                        PATH,
                        MAX_POLICY,
                        config.timeout());
        if (response.status() != 200) {
            throw new IOException("https://" + host + " answered HTTP " + response.status());
        }
        String type = response.headers().getOrDefault("content-type", "");
        if (!type.split(";")[0].trim().equalsIgnoreCase("text/plain")) {
            throw new IOException("the policy's Content-Type is not text/plain");
        }
        return response.body();
    }

    /** The policy host's first address, IPv4 first, through the relay's resolver. */
    private InetAddress address(String host) throws IOException {
        Deadline deadline = Deadline.after(dns.timeout());
        for (int type : new int[] {Type.A, Type.AAAA}) {
            DnsAnswer answer = lookup(host, type, deadline);
            if (answer instanceof DnsAnswer.Records r && !r.addresses().isEmpty()) {
                return r.addresses().get(0);
            }
        }
        throw new IOException(host + " has no address");
    }

    private DnsAnswer lookup(String name, int type) {
        return lookup(name, type, Deadline.after(dns.timeout()));
    }

    private DnsAnswer lookup(String name, int type, Deadline deadline) {
        try {
            return dns.lookup(Name.fromString(name, Name.root), type, deadline);
        } catch (TextParseException e) {
            return new DnsAnswer.Failed(name + " is not a DNS name");
        }
    }
}
