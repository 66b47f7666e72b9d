package io.mailseal.certs;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.mailseal.config.CertificatesConfig;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lookups cached by address (STYLE.md, after Caffeine): found for {@code ttl} (a DNS answer no
 * longer than its TTL), not found for the shorter {@code negative-ttl}, unavailable never (an
 * outage is not an answer). Concurrent lookups of one address coalesce into one. An entry read
 * after {@code refresh-after} is served at once and looked up again in the background, so a hot
 * address never waits for a directory. A background lookup that finds the source unavailable
 * changes nothing: the cached answer stands until it expires, and a found certificate is never
 * replaced by "unavailable". A cached certificate that has expired since is looked up again.
 */
public final class CachedRecipientCertificates implements CertificateResolver {
    private static final Logger log = LoggerFactory.getLogger(CachedRecipientCertificates.class);
    private static final int REFRESH_THREADS = 4;
    private final CertificateResolver delegate;
    private final LoadingCache<String, Resolution> cache;
    private final Clock clock;

    public CachedRecipientCertificates(
            CertificateResolver delegate,
            CertificatesConfig.Cache config,
            Ticker ticker,
            Clock clock) {
        this(delegate, config, ticker, clock, refreshThreads());
    }

    /** {@code refreshes} runs the background lookups. */
    public CachedRecipientCertificates(
            CertificateResolver delegate,
            CertificatesConfig.Cache config,
            Ticker ticker,
            Clock clock,
            Executor refreshes) {
        this.delegate = delegate;
        this.clock = clock;
        this.cache =
                Caffeine.newBuilder()
                        .maximumSize(config.maxEntries())
                        .ticker(ticker)
                        .executor(refreshes)
                        .expireAfter(expiry(config.ttl().toNanos(), config.negativeTtl().toNanos()))
                        .refreshAfterWrite(config.refreshAfter())
                        .recordStats()
                        .build(
                                new CacheLoader<String, Resolution>() {
                                    @Override
                                    public Resolution load(String address) {
                                        return delegate.resolve(address);
                                    }

                                    @Override
                                    public CompletableFuture<Resolution> asyncReload(
                                            String address, Resolution old, Executor executor) {
                                        return refresh(address, executor);
                                    }
                                });
    }

    /** Share of lookups answered from the cache since this cache was built (0..1), for /metrics. */
    public double hitRatio() {
        return cache.stats().hitRate();
    }

    @Override
    public Resolution resolve(String address) {
        String key = key(address);
        Resolution r = cache.get(key);
        if (r instanceof Resolution.Usable u
                && u.certificate().getNotAfter().toInstant().isBefore(clock.instant())) {
            cache.invalidate(key);
            r = cache.get(key);
        }
        return r;
    }

    /**
     * Drops the cached answer for {@code address} (found or not found), so the next lookup asks the
     * sources again: after {@code mailseal certs import}, without waiting for {@code negative-ttl}.
     * The address is normalised as lookups do (the domain is case-insensitive).
     */
    public void invalidate(String address) {
        cache.invalidate(key(address));
    }

    /**
     * A cancelled refresh leaves the entry as it was, expiry included (Caffeine drops it without
     * logging); returning the old value instead would count as a write and keep a certificate alive
     * past its ttl for as long as the directory is down.
     */
    private CompletableFuture<Resolution> refresh(String address, Executor executor) {
        CompletableFuture<Resolution> fresh = new CompletableFuture<>();
        executor.execute(
                () -> {
                    try {
                        Resolution r = delegate.resolve(address);
                        if (r instanceof Resolution.Unavailable u) {
                            log.warn(
                                    "certificate refresh for {}: {}; the cached answer stands until it expires",
                                    address,
                                    u.reason());
                            fresh.cancel(false);
                        } else {
                            fresh.complete(r);
                        }
                    } catch (RuntimeException e) {
                        fresh.completeExceptionally(e);
                    }
                });
        return fresh;
    }

    private static Expiry<String, Resolution> expiry(long ttl, long negative) {
        return new Expiry<>() {
            @Override
            public long expireAfterCreate(String key, Resolution value, long now) {
                if (value instanceof Resolution.Usable u) {
                    // a DNS answer (SMIMEA) holds for its TTL only
                    return u.ttl().map(d -> Math.min(d.toNanos(), ttl)).orElse(ttl);
                }
                return value instanceof Resolution.Missing ? negative : 0;
            }

            @Override
            public long expireAfterUpdate(String key, Resolution value, long now, long current) {
                return expireAfterCreate(key, value, now);
            }

            @Override
            public long expireAfterRead(String key, Resolution value, long now, long current) {
                return current;
            }
        };
    }

    /**
     * A few daemon threads that go away when idle, so a replaced configuration leaves none behind.
     */
    private static Executor refreshThreads() {
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(
                        REFRESH_THREADS,
                        REFRESH_THREADS,
                        30,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "certificate-refresh");
                            t.setDaemon(true);
                            return t;
                        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The domain is case-insensitive, the local part is not (RFC 5321 §2.4). */
    private static String key(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
