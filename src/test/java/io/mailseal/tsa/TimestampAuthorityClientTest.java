package io.mailseal.tsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.testing.TricklingHttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failover between TSAs that answer one byte a second stays within {@code timestamp.timeout}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class TimestampAuthorityClientTest {
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void twoTricklingTsasTogetherTakeTheTimeoutOnceThenAreSkipped() throws Exception {
        try (TricklingHttpServer a =
                        new TricklingHttpServer(
                                "application/timestamp-reply", Duration.ofSeconds(1));
                TricklingHttpServer b =
                        new TricklingHttpServer(
                                "application/timestamp-reply", Duration.ofSeconds(1))) {
            List<URI> failed = new CopyOnWriteArrayList<>();
            TimestampAuthorityClient client =
                    new TimestampAuthorityClient(
                            List.of(a.url("/tsr"), b.url("/tsr")),
                            TIMEOUT,
                            new TimestampVerifier(Set.of()),
                            new CircuitBreaker(Clock.systemUTC(), (url, backoff) -> {}),
                            TimestampAuthorityClient.defaultHttpClient(TIMEOUT),
                            (url, reason) -> failed.add(url));

            long start = System.nanoTime();
            assertThatThrownBy(() -> client.stamp(new byte[] {1, 2, 3}))
                    .isInstanceOf(TimestampUnavailableException.class)
                    .hasMessageContaining(a.url("/tsr") + ": did not answer within ")
                    .hasMessageContaining(b.url("/tsr") + ": did not answer within ");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("both within the one timeout, not one timeout each")
                    .isLessThan(TIMEOUT.plusMillis(900));
            assertThat(failed).containsExactly(a.url("/tsr"), b.url("/tsr"));
            assertThat(client.anyAvailable()).isFalse();

            start = System.nanoTime();
            assertThatThrownBy(() -> client.stamp(new byte[] {4}))
                    .hasMessageStartingWith("every TSA is skipped after recent failures");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofMillis(200));
            assertThat(a.requests() + b.requests()).isEqualTo(2);
        }
    }
}
