package io.mailseal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo TSA's reply delay (for benchmarks with a remote TSA), over real HTTP on loopback. */
class EmbeddedTsaDelayTest {
    private static final Duration DELAY = Duration.ofMillis(300);

    /** More than a pool of 4 threads answers within 1.2 s (the TSA's pool without a delay). */
    private static final int CONCURRENT = 16;

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void sixteenConcurrentRequestsEachWaitTheDelayButSideBySide() throws Exception {
        DemoPki pki = new DemoPki(Clock.systemUTC(), "Delay TSA Root");
        DemoPki.Issued tsa = pki.timestampAuthority("Delay TSA");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (EmbeddedTsa server =
                new EmbeddedTsa(
                        tsa.key(),
                        tsa.certificate(),
                        List.of(pki.ca().certificate()),
                        Clock.systemUTC(),
                        0,
                        DELAY)) {
            post(http, server, request(0)).join(); // JIT and connection set-up out of the timing
            List<CompletableFuture<Long>> answered = new java.util.ArrayList<>();
            long start = System.nanoTime();
            for (int i = 1; i <= CONCURRENT; i++) {
                TimeStampRequest req = request(i);
                answered.add(
                        post(http, server, req)
                                .thenApply(
                                        reply -> {
                                            validate(req, reply);
                                            return System.nanoTime() - start;
                                        }));
            }
            List<Long> nanos = answered.stream().map(CompletableFuture::join).toList();
            long all = System.nanoTime() - start;

            assertThat(nanos)
                    .as("no reply before the delay")
                    .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(DELAY.toNanos()));
            assertThat(Duration.ofNanos(all))
                    .as(
                            "16 × 300 ms side by side: not one after the other (4.8 s), nor 4 at a time (1.2 s)")
                    .isLessThan(Duration.ofMillis(1200));
            assertThat(server.requests()).isEqualTo(CONCURRENT + 1);
        }
    }

    private static TimeStampRequest request(int i) throws Exception {
        byte[] imprint = MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) i});
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        return g.generate(TSPAlgorithms.SHA256, imprint);
    }

    private static CompletableFuture<byte[]> post(
            HttpClient http, EmbeddedTsa server, TimeStampRequest req) throws Exception {
        return http.sendAsync(
                        HttpRequest.newBuilder(server.url())
                                .header("Content-Type", "application/timestamp-query")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(req.getEncoded()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(
                        r -> {
                            assertThat(r.statusCode()).isEqualTo(200);
                            return r.body();
                        });
    }

    private static void validate(TimeStampRequest req, byte[] reply) {
        try {
            TimeStampResponse resp = new TimeStampResponse(reply);
            resp.validate(req); // status granted, imprint and nonce of this request
            assertThat(resp.getTimeStampToken()).isNotNull();
        } catch (Exception e) {
            throw new AssertionError("bad reply: " + e.getMessage(), e);
        }
    }
}
