package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.demo.DemoPki;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedRecipientCertificatesTest {
    final AtomicLong nanos = new AtomicLong();
    final Ticker ticker = nanos::get;
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "cache test CA");
    final AtomicInteger calls = new AtomicInteger();
    final Deque<Lookup> answers = new ArrayDeque<>();

    CachedRecipientCertificates cache() {
        CertificateSource source = new CertificateSource() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public Lookup lookup(String address) {
                calls.incrementAndGet();
                return answers.isEmpty() ? new Lookup.NotFound() : answers.pop();
            }
        };
        RecipientCertificates certs = new RecipientCertificates(List.of(source), new RecipientCertificateValidator(
                Set.of(new TrustAnchor(pki.ca().certificate(), null)), Clock.systemUTC()));
        return new CachedRecipientCertificates(certs, new CertificatesConfig.Cache(Duration.ofHours(1),
                Duration.ofMinutes(5), 1000), ticker, Clock.systemUTC());
    }

    @Test
    void foundIsCachedForTheTtlAndTheDomainIsCaseInsensitive() {
        var cache = cache();
        answers.add(new Lookup.Found(List.of(pki.customer("a@x.example", DemoPki.KeyKind.RSA).certificate())));
        assertThat(cache.resolve("a@x.example")).isInstanceOf(Resolution.Usable.class);
        assertThat(cache.resolve("a@X.EXAMPLE")).isInstanceOf(Resolution.Usable.class);
        assertThat(calls).hasValue(1);
        nanos.addAndGet(Duration.ofMinutes(61).toNanos());
        cache.resolve("a@x.example");
        assertThat(calls).hasValue(2);
    }

    @Test
    void notFoundIsCachedForTheShorterNegativeTtl() {
        var cache = cache();
        assertThat(cache.resolve("b@x.example")).isInstanceOf(Resolution.Missing.class);
        nanos.addAndGet(Duration.ofMinutes(4).toNanos());
        cache.resolve("b@x.example");
        assertThat(calls).hasValue(1);
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        cache.resolve("b@x.example");
        assertThat(calls).hasValue(2);
    }

    @Test
    void unavailableIsNeverCached() {
        var cache = cache();
        answers.add(new Lookup.Unavailable("directory down"));
        assertThat(cache.resolve("c@x.example")).isInstanceOf(Resolution.Unavailable.class);
        assertThat(cache.resolve("c@x.example")).isInstanceOf(Resolution.Missing.class);
        assertThat(calls).hasValue(2);
    }
}
