package io.mailseal.tsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.demo.DemoPki;
import io.mailseal.net.BlockingPost;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.testing.FrontedTsa;
import io.mailseal.testing.ServerTls;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TSA client over real TLS on loopback: the server's certificate must chain to the client's
 * trust store and carry the URL's host name, or the stamp fails before any request is sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class TimestampAuthorityOverHttpsTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final DemoPki SERVERS = new DemoPki(Clock.systemUTC(), "TSA Server CA");

    static SSLContext server;
    static FrontedTsa tsa;
    static BlockingPost trusting;

    @BeforeAll
    static void start() throws Exception {
        server =
                ServerTls.context(
                        SERVERS.server(Instant.now().plus(Duration.ofDays(1)), "localhost"),
                        SERVERS.ca().certificate());
        tsa = new FrontedTsa(server, Duration.ZERO);
        trusting = new BlockingPost(ServerTls.trusting(SERVERS.ca().certificate()));
    }

    @AfterAll
    static void stop() {
        trusting.close();
        tsa.close();
    }

    @Test
    void aServerWithACertificateForTheUrlsHostGivesAVerifiedToken() throws Exception {
        byte[] data = {1, 2, 3};
        TimeStampToken token = client(tsa, tsa.url("localhost"), trusting).stamp(data);
        assertThat(token.getTimeStampInfo().getMessageImprintDigest())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(token.getTimeStampInfo().getGenTime().toInstant())
                .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    }

    @Test
    void theSameServerUnderANameItsCertificateDoesNotCarryIsRefusedBeforeAnyRequest() {
        int before = tsa.requests();
        URI byAddress = tsa.url("127.0.0.1");
        assertThatThrownBy(() -> client(tsa, byAddress, trusting).stamp(new byte[] {1}))
                .isInstanceOf(TimestampUnavailableException.class)
                .hasMessageStartingWith(byAddress + ": ")
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
        assertThat(tsa.requests()).as("no query sent, no token taken").isEqualTo(before);
    }

    @Test
    void aServerNotChainingToTheJdksTrustStoreIsRefusedBeforeAnyRequest() {
        int before = tsa.requests();
        // the relay's transport: the JDK's default trust store, which does not hold the test CA
        assertThatThrownBy(
                        () ->
                                client(tsa, tsa.url("localhost"), BlockingPost.jdkTrust())
                                        .stamp(new byte[] {1}))
                .isInstanceOf(TimestampUnavailableException.class)
                .hasMessageContaining("unable to find valid certification path");
        assertThat(tsa.requests()).as("no query sent, no token taken").isEqualTo(before);
    }

    @Test
    void concurrentStampsAreInFlightTogetherNotQueuedBehindOneConnection() throws Exception {
        int callers = 8;
        try (FrontedTsa slow = new FrontedTsa(server, Duration.ofMillis(300))) {
            TimestampAuthorityClient client = client(slow, slow.url("localhost"), trusting);
            client.stamp(new byte[] {0}); // warm: class loading, the first token's checks
            ExecutorService threads = Executors.newFixedThreadPool(callers);
            try {
                long start = System.nanoTime();
                List<Future<TimeStampToken>> tokens = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    byte[] data = {(byte) i};
                    tokens.add(threads.submit(() -> client.stamp(data)));
                }
                for (Future<TimeStampToken> token : tokens) {
                    assertThat(token.get()).isNotNull();
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("8 stamps of 300 ms each together, not one after another (2.4 s)")
                        .isLessThan(Duration.ofMillis(1200));
            } finally {
                threads.shutdownNow();
            }
            assertThat(slow.requests()).isEqualTo(callers + 1);
            assertThat(slow.mostInFlight())
                    .as("requests held by the TSA at the same time")
                    .isGreaterThanOrEqualTo(4);
        }
    }

    private static TimestampAuthorityClient client(FrontedTsa tsa, URI url, BlockingPost http) {
        return new TimestampAuthorityClient(
                List.of(url),
                TIMEOUT,
                new TimestampVerifier(tsa.anchors()),
                new CircuitBreaker(Clock.systemUTC(), (u, backoff) -> {}),
                http,
                (u, reason) -> {});
    }
}
