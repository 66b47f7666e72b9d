package io.mailseal.tsa;

import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.crypto.TimestampExchange;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.net.BlockingPost;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.net.CpuSlots;
import io.mailseal.net.HttpDeadline;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3161 over HTTP (§3.4): POST {@code application/timestamp-query} built and checked by {@link
 * TimestampExchange}. Authorities are tried in order, all of them within {@code timestamp.timeout}:
 * each gets an equal share of what is left of it (with two TSAs and 3 s, the first at most 1.5 s,
 * the second the rest), body included, so a TSA that answers one byte a second cannot hold a mail
 * longer than the timeout. One that failed is skipped while its {@link CircuitBreaker} is open;
 * when every one is open the stamp fails at once (the sender retries on 451) until the first
 * back-off ends and a probe is let through. Each exchange runs on the calling thread through a
 * {@link BlockingPost} (the relay's: {@link BlockingPost#jdkTrust}, an {@code https} TSA's
 * certificate checked against the JDK's trust store and the URL's host name); connections are kept
 * alive across mails.
 */
public final class TimestampAuthorityClient implements TimestampAuthority {
    private static final Logger log = LoggerFactory.getLogger(TimestampAuthorityClient.class);

    /**
     * A reply is a token with a few certificates; more is not an answer but an attack on memory.
     */
    static final int MAX_REPLY = 256 * 1024;

    private final List<URI> urls;
    private final Duration timeout;
    private final TimestampVerifier verifier;
    private final SecureRandom random = new SecureRandom();
    private final CircuitBreaker breaker;
    private final BlockingPost http;
    private final FailureListener failures;

    /** Told of every failed attempt, e.g. to count TSA failures by URL. */
    @FunctionalInterface
    public interface FailureListener {
        void failed(URI url, String reason);
    }

    public TimestampAuthorityClient(
            List<URI> urls,
            Duration timeout,
            TimestampVerifier verifier,
            CircuitBreaker breaker,
            BlockingPost http,
            FailureListener failures) {
        this.urls = List.copyOf(urls);
        this.timeout = timeout;
        this.verifier = verifier;
        this.breaker = breaker;
        this.http = http;
        this.failures = failures;
    }

    /** A verified token over SHA-256({@code data}), or the reasons every TSA failed. */
    @Override
    @SuppressWarnings("try") // the slot is let go for the exchange, not used in it
    public TimeStampToken stamp(byte[] data) throws TimestampUnavailableException {
        if (urls.isEmpty()) {
            throw new TimestampUnavailableException("no timestamp.urls configured");
        }
        List<URI> candidates = urls.stream().filter(breaker::allows).toList();
        if (candidates.isEmpty()) {
            throw new TimestampUnavailableException(
                    "every TSA is skipped after recent failures (open circuits until "
                            + breaker.openUntil()
                            + ")");
        }
        // a large message's CPU slot is let go for the whole exchange, and taken back after it,
        // so that waiting for it never eats into timestamp.timeout
        try (CpuSlots.Slot idle = CpuSlots.waiting()) {
            List<String> reasons = new ArrayList<>();
            long end = System.nanoTime() + timeout.toNanos();
            for (int i = 0; i < candidates.size(); i++) {
                URI url = candidates.get(i);
                long left = end - System.nanoTime();
                if (left <= 0) {
                    reasons.add(
                            HttpDeadline.redact(url)
                                    + ": not tried, timestamp.timeout "
                                    + timeout
                                    + " used up");
                    continue;
                }
                Duration share = Duration.ofNanos(left / (candidates.size() - i));
                try {
                    TimeStampToken token = request(url, data, share);
                    breaker.succeeded(url);
                    return token;
                } catch (IOException | TSPException | RuntimeException e) {
                    String reason = HttpDeadline.describe(e);
                    reasons.add(HttpDeadline.redact(url) + ": " + reason);
                    failures.failed(url, reason);
                    breaker.failed(url);
                    log.warn("TSA {} failed: {}", HttpDeadline.redact(url), reason);
                }
            }
            throw new TimestampUnavailableException(String.join("; ", reasons));
        }
    }

    /**
     * A client for {@code url} alone, with this one's timeout, verifier and transport and a circuit
     * of its own (never skipped for this one's failures): {@code check-config --probe} asks each
     * TSA separately.
     */
    public TimestampAuthorityClient alone(URI url) {
        return new TimestampAuthorityClient(
                List.of(url),
                timeout,
                verifier,
                new CircuitBreaker(Clock.systemUTC(), (u, backoff) -> {}),
                http,
                (u, reason) -> {});
    }

    /** The authorities in the order they are tried. */
    public List<URI> urls() {
        return urls;
    }

    /** True when some TSA's circuit is closed or its back-off has ended. */
    public boolean anyAvailable() {
        return breaker.allowsAny(urls);
    }

    private TimeStampToken request(URI url, byte[] data, Duration deadline)
            throws IOException, TSPException {
        TimestampExchange exchange = TimestampExchange.over(data, random);
        byte[] reply =
                http.post(
                        url,
                        "application/timestamp-query",
                        exchange.request(),
                        "application/timestamp-reply",
                        MAX_REPLY,
                        deadline);
        return exchange.token(reply, verifier);
    }
}
