package io.mailseal.certs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.mailseal.config.CertificatesConfig;
import java.time.Clock;
import java.util.Locale;

/**
 * Lookups cached by address (STYLE.md, after Caffeine): found for {@code ttl}, not found for
 * the shorter {@code negative-ttl}, unavailable never (an outage is not an answer).
 * Concurrent lookups of one address coalesce into one. A cached certificate that has
 * expired since is looked up again.
 */
public final class CachedRecipientCertificates implements CertificateResolver {
    private final RecipientCertificates delegate;
    private final Cache<String, Resolution> cache;
    private final Clock clock;

    public CachedRecipientCertificates(RecipientCertificates delegate, CertificatesConfig.Cache config, Ticker ticker,
                                       Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
        long ttl = config.ttl().toNanos();
        long negative = config.negativeTtl().toNanos();
        this.cache = Caffeine.newBuilder().maximumSize(config.maxEntries()).ticker(ticker)
                .expireAfter(new Expiry<String, Resolution>() {
                    @Override
                    public long expireAfterCreate(String key, Resolution value, long now) {
                        if (value instanceof Resolution.Usable) {
                            return ttl;
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
                }).build();
    }

    @Override
    public Resolution resolve(String address) {
        String key = key(address);
        Resolution r = cache.get(key, k -> delegate.resolve(address));
        if (r instanceof Resolution.Usable u && u.certificate().getNotAfter().toInstant().isBefore(clock.instant())) {
            cache.invalidate(key);
            r = cache.get(key, k -> delegate.resolve(address));
        }
        return r;
    }

    /** The domain is case-insensitive, the local part is not (RFC 5321 §2.4). */
    private static String key(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
