package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.mailseal.config.CertificatesConfig;
import io.mailseal.demo.DemoPki;
import io.mailseal.testing.Eventually;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachedRecipientCertificatesTest {
    static final Duration TTL = Duration.ofHours(1);
    static final Duration REFRESH_AFTER = Duration.ofMinutes(48);
    final AtomicLong nanos = new AtomicLong();
    final Ticker ticker = nanos::get;
    final DemoPki pki = new DemoPki(Clock.systemUTC(), "cache test CA");
    final AtomicInteger calls = new AtomicInteger();

    /** What the source answers, in order; NotFound when empty. */
    final BlockingQueue<Lookup> answers = new LinkedBlockingDeque<>();

    /** When set, the source waits for it before answering. */
    volatile CountDownLatch gate;

    final CountDownLatch entered = new CountDownLatch(1);
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        if (gate != null) {
            gate.countDown();
        }
        threads.shutdownNow();
    }

    CachedRecipientCertificates cache(Executor refreshes) {
        CertificateSource source =
                new CertificateSource() {
                    @Override
                    public String name() {
                        return "counting";
                    }

                    @Override
                    public Lookup lookup(String address) {
                        calls.incrementAndGet();
                        entered.countDown();
                        try {
                            if (gate != null && !gate.await(10, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the test never opened the gate");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        Lookup next = answers.poll();
                        return next == null ? new Lookup.NotFound() : next;
                    }
                };
        RecipientCertificates certs =
                new RecipientCertificates(
                        List.of(source),
                        new RecipientCertificateValidator(
                                Set.of(new TrustAnchor(pki.ca().certificate(), null)),
                                Clock.systemUTC()));
        return new CachedRecipientCertificates(
                certs,
                new CertificatesConfig.Cache(TTL, Duration.ofMinutes(5), REFRESH_AFTER, 1000),
                ticker,
                Clock.systemUTC(),
                refreshes);
    }

    CachedRecipientCertificates cache() {
        return cache(Runnable::run);
    }

    Lookup.Found found(String address) {
        return new Lookup.Found(List.of(pki.customer(address, DemoPki.KeyKind.RSA).certificate()));
    }

    static X509Certificate certificate(Resolution r) {
        assertThat(r).isInstanceOf(Resolution.Usable.class);
        return ((Resolution.Usable) r).certificate();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void foundIsCachedForTheTtlAndTheDomainIsCaseInsensitive() {
        var cache = cache();
        answers.add(found("a@x.example"));
        assertThat(cache.resolve("a@x.example")).isInstanceOf(Resolution.Usable.class);
        assertThat(cache.resolve("a@X.EXAMPLE")).isInstanceOf(Resolution.Usable.class);
        assertThat(calls).hasValue(1);
        advance(Duration.ofMinutes(61));
        cache.resolve("a@x.example");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aCertificateFromDnsIsKeptNoLongerThanTheRecordsTtl() {
        var cache = cache();
        X509Certificate c = pki.customer("e@x.example", DemoPki.KeyKind.RSA).certificate();
        answers.add(
                new Lookup.Found(
                        List.of(c),
                        java.util.Optional.of(
                                new Lookup.DnsProof(
                                        "SMIMEA, DNSSEC secure (PKIX-EE)",
                                        true,
                                        Duration.ofMinutes(5)))));
        assertThat(cache.resolve("e@x.example"))
                .isEqualTo(
                        new Resolution.Usable(
                                c,
                                "SMIMEA, DNSSEC secure (PKIX-EE)",
                                java.util.Optional.of(Duration.ofMinutes(5))));
        advance(Duration.ofMinutes(4));
        cache.resolve("e@x.example");
        assertThat(calls).hasValue(1);
        advance(Duration.ofMinutes(2));
        cache.resolve("e@x.example");
        assertThat(calls).as("the record's 5 minutes, not the cache's hour").hasValue(2);
    }

    @Test
    void notFoundIsCachedForTheShorterNegativeTtl() {
        var cache = cache();
        assertThat(cache.resolve("b@x.example")).isInstanceOf(Resolution.Missing.class);
        advance(Duration.ofMinutes(4));
        cache.resolve("b@x.example");
        assertThat(calls).hasValue(1);
        advance(Duration.ofMinutes(2));
        cache.resolve("b@x.example");
        assertThat(calls).hasValue(2);
    }

    @Test
    void invalidateReplacesACachedNotFoundAtOnceWithoutWaitingForTheNegativeTtl() {
        var cache = cache();
        assertThat(cache.resolve("d@x.example")).isInstanceOf(Resolution.Missing.class);
        answers.add(found("d@x.example"));
        assertThat(cache.resolve("d@x.example"))
                .as("still the cached not found")
                .isInstanceOf(Resolution.Missing.class);
        assertThat(calls).hasValue(1);

        cache.invalidate("d@X.Example");

        assertThat(certificate(cache.resolve("d@x.example")).getSubjectX500Principal().getName())
                .contains("d@x.example");
        assertThat(calls).hasValue(2);
        assertThat(cache.resolve("d@x.example")).isInstanceOf(Resolution.Usable.class);
        assertThat(calls).as("the found certificate is cached again").hasValue(2);
    }

    @Test
    void unavailableIsNeverCached() {
        var cache = cache();
        answers.add(new Lookup.Unavailable("directory down"));
        assertThat(cache.resolve("c@x.example")).isInstanceOf(Resolution.Unavailable.class);
        assertThat(cache.resolve("c@x.example")).isInstanceOf(Resolution.Missing.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aHotAddressIsServedFromTheCacheWhileItIsLookedUpAgainInTheBackground() throws Exception {
        var cache = cache(threads);
        Lookup.Found first = found("d@x.example");
        Lookup.Found renewed = found("d@x.example");
        answers.add(first);
        assertThat(certificate(cache.resolve("d@x.example")))
                .isEqualTo(first.certificates().get(0));
        advance(Duration.ofMinutes(30));
        cache.resolve("d@x.example");
        assertThat(calls).as("before refresh-after: no lookup").hasValue(1);

        advance(Duration.ofMinutes(19));
        gate = new CountDownLatch(1);
        answers.add(renewed);
        Future<Resolution> hot = threads.submit(() -> cache.resolve("d@x.example"));
        assertThat(certificate(hot.get(5, TimeUnit.SECONDS)))
                .as("served while the source is still being asked")
                .isEqualTo(first.certificates().get(0));
        Eventually.value(
                "the background refresh asking the source",
                Duration.ofSeconds(10),
                calls::get,
                n -> n == 2);
        gate.countDown();
        Eventually.await(
                "the renewed certificate served",
                Duration.ofSeconds(10),
                () ->
                        certificate(cache.resolve("d@x.example"))
                                .equals(renewed.certificates().get(0)));
        assertThat(calls).hasValue(2);
    }

    @Test
    void anOutageDuringRefreshKeepsTheFoundCertificateButNotBeyondItsTtl() {
        var cache = cache();
        Lookup.Found first = found("e@x.example");
        answers.add(first);
        cache.resolve("e@x.example");
        advance(Duration.ofMinutes(50));
        answers.add(new Lookup.Unavailable("directory down"));
        assertThat(certificate(cache.resolve("e@x.example")))
                .isEqualTo(first.certificates().get(0));
        assertThat(calls).as("refreshed in the background").hasValue(2);
        advance(Duration.ofMinutes(9));
        answers.add(new Lookup.Unavailable("directory down"));
        assertThat(certificate(cache.resolve("e@x.example")))
                .as("59 min: still cached")
                .isEqualTo(first.certificates().get(0));
        advance(Duration.ofMinutes(2));
        answers.add(new Lookup.Unavailable("directory down"));
        assertThat(cache.resolve("e@x.example"))
                .as("61 min: expired, and the failed refreshes did not extend it")
                .isInstanceOf(Resolution.Unavailable.class);
    }

    @Test
    void concurrentLookupsOfOneAddressCoalesceIntoOne() throws Exception {
        var cache = cache();
        gate = new CountDownLatch(1);
        answers.add(found("f@x.example"));
        List<Thread> callers = new ArrayList<>();
        List<CompletableFuture<Resolution>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<Resolution> result = new CompletableFuture<>();
            results.add(result);
            Thread t = new Thread(() -> result.complete(cache.resolve("f@x.example")));
            callers.add(t);
            t.start();
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        // every caller is inside the cache: one waits in the source, the others on its load
        Eventually.value(
                "every caller blocked or waiting",
                Duration.ofSeconds(10),
                () -> callers.stream().map(Thread::getState).toList(),
                states ->
                        states.stream()
                                .allMatch(
                                        st ->
                                                st == Thread.State.BLOCKED
                                                        || st == Thread.State.WAITING
                                                        || st == Thread.State.TIMED_WAITING));
        gate.countDown();
        for (CompletableFuture<Resolution> r : results) {
            assertThat(r.get(10, TimeUnit.SECONDS)).isInstanceOf(Resolution.Usable.class);
        }
        assertThat(calls).hasValue(1);
    }
}
