package io.mailseal.tsa;

import io.mailseal.crypto.TimestampAuthority;
import io.mailseal.crypto.TimestampExchange;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.crypto.TimestampVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3161 over HTTP (§3.4): POST {@code application/timestamp-query} built and checked by {@link
 * TimestampExchange}. Authorities are tried in order; one that failed is skipped for a back-off
 * period (doubling, capped) so a dead TSA does not add its timeout to every mail. When every TSA is
 * backed off, the one due first is probed, so service resumes on its own. One {@link HttpClient}
 * keeps connections alive across mails.
 */
public final class TimestampAuthorityClient implements TimestampAuthority {
    private static final Logger log = LoggerFactory.getLogger(TimestampAuthorityClient.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final List<URI> urls;
    private final Duration timeout;
    private final TimestampVerifier verifier;
    private final Clock clock;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    private final Map<URI, Backoff> backoffs = new ConcurrentHashMap<>();
    private final FailureListener failures;

    private record Backoff(Instant until, Duration length) {}

    /** Told of every failed attempt, e.g. to count TSA failures by URL. */
    @FunctionalInterface
    public interface FailureListener {
        void failed(URI url, String reason);
    }

    public TimestampAuthorityClient(
            List<URI> urls,
            Duration timeout,
            TimestampVerifier verifier,
            Clock clock,
            HttpClient http,
            FailureListener failures) {
        this.urls = List.copyOf(urls);
        this.timeout = timeout;
        this.verifier = verifier;
        this.clock = clock;
        this.http = http;
        this.failures = failures;
    }

    /**
     * HTTP/1.1, no redirects. The client's own steps (reading the reply into a byte array) run on
     * its selector thread instead of being handed to a thread pool: nothing in them blocks, and the
     * hand-offs cost a fifth of each stamp's CPU (bench/README.md).
     */
    public static HttpClient defaultHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    /** A verified token over SHA-256({@code data}), or the reasons every TSA failed. */
    @Override
    public TimeStampToken stamp(byte[] data) throws TimestampUnavailableException {
        List<String> reasons = new ArrayList<>();
        for (URI url : candidates()) {
            try {
                TimeStampToken token = request(url, data);
                backoffs.remove(url);
                return token;
            } catch (IOException | TSPException | RuntimeException e) {
                String reason =
                        e instanceof java.net.http.HttpTimeoutException
                                ? "timed out"
                                : e.getMessage();
                reasons.add(url + ": " + reason);
                failures.failed(url, reason);
                backOff(url);
                log.warn("TSA {} failed: {}", url, reason);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimestampUnavailableException("interrupted");
            }
        }
        throw new TimestampUnavailableException(
                reasons.isEmpty() ? "no timestamp.urls configured" : String.join("; ", reasons));
    }

    /** True when some TSA is not backed off after a recent failure. */
    public boolean anyAvailable() {
        Instant now = clock.instant();
        return urls.stream()
                .anyMatch(u -> backoffs.get(u) == null || !now.isBefore(backoffs.get(u).until()));
    }

    private List<URI> candidates() {
        Instant now = clock.instant();
        List<URI> ready =
                urls.stream()
                        .filter(
                                u -> {
                                    Backoff b = backoffs.get(u);
                                    return b == null || !now.isBefore(b.until());
                                })
                        .toList();
        if (!ready.isEmpty() || urls.isEmpty()) {
            return ready;
        }
        return List.of(
                urls.stream()
                        .min(Comparator.comparing(u -> backoffs.get(u).until()))
                        .orElseThrow());
    }

    private void backOff(URI url) {
        backoffs.compute(
                url,
                (u, old) -> {
                    Duration length =
                            old == null
                                    ? FIRST_BACKOFF
                                    : min(old.length().multipliedBy(2), MAX_BACKOFF);
                    return new Backoff(clock.instant().plus(length), length);
                });
    }

    private TimeStampToken request(URI url, byte[] data)
            throws IOException, InterruptedException, TSPException {
        TimestampExchange exchange = TimestampExchange.over(data, random);
        HttpRequest post =
                HttpRequest.newBuilder(url)
                        .timeout(timeout)
                        .header("Content-Type", "application/timestamp-query")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(exchange.request()))
                        .build();
        HttpResponse<byte[]> resp = http.send(post, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) {
            throw new IOException("HTTP " + resp.statusCode());
        }
        String type = resp.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/timestamp-reply")) {
            throw new IOException("unexpected Content-Type \"" + type + "\"");
        }
        return exchange.token(resp.body(), verifier);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
