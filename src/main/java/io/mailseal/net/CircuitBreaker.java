package io.mailseal.net;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per URL: a URL whose call failed is open (skipped) for a back-off period that
 * doubles with each failure in a row, up to a cap; its first success closes it. When the period
 * ends it is half-open: the next call is let through as a probe, and a failure opens it again for
 * twice as long. So a dead or slow server costs its deadline once per back-off, not once per mail.
 */
public final class CircuitBreaker {
    /** The back-off after a first failure, and its cap. */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);

    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** Told when a URL's circuit opens, e.g. to count it in metrics. */
    @FunctionalInterface
    public interface Listener {
        void opened(URI url, Duration backoff);
    }

    private record Open(Instant until, Duration length) {}

    private final Clock clock;
    private final Listener listener;
    private final Map<URI, Open> open = new ConcurrentHashMap<>();

    public CircuitBreaker(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    /** True unless {@code url} failed and its back-off has not ended. */
    public boolean allows(URI url) {
        Open o = open.get(url);
        return o == null || !clock.instant().isBefore(o.until());
    }

    /** True when some of {@code urls} would be called now. */
    public boolean allowsAny(Collection<URI> urls) {
        return urls.stream().anyMatch(this::allows);
    }

    /** A call to one URL that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code call} to {@code url}: an {@link IOException} (no answer, a timeout, a reset)
     * opens the circuit, an answer closes it. Whether the URL may be called is asked before, with
     * {@link #allows}.
     */
    public <T> T call(URI url, Call<T> call) throws IOException, InterruptedException {
        T answer;
        try {
            answer = call.run();
        } catch (IOException e) {
            failed(url);
            throw e;
        }
        succeeded(url);
        return answer;
    }

    public void succeeded(URI url) {
        open.remove(url);
    }

    /** Opens {@code url}'s circuit: for the first back-off, or twice the last one (capped). */
    public void failed(URI url) {
        Open now =
                open.compute(
                        url,
                        (u, old) -> {
                            Duration length =
                                    old == null
                                            ? FIRST_BACKOFF
                                            : min(old.length().multipliedBy(2), MAX_BACKOFF);
                            return new Open(clock.instant().plus(length), length);
                        });
        listener.opened(url, now.length());
    }

    /** The URLs being skipped now, each with the instant its back-off ends, in URL order. */
    public Map<URI, Instant> openUntil() {
        Instant now = clock.instant();
        Map<URI, Instant> out = new TreeMap<>();
        open.forEach(
                (url, o) -> {
                    if (now.isBefore(o.until())) {
                        out.put(url, o.until());
                    }
                });
        return out;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
