package io.mailseal.tsa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mailseal.crypto.TimestampUnavailableException;
import io.mailseal.crypto.TimestampVerifier;
import io.mailseal.net.BlockingPost;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.testing.LogCapture;
import io.mailseal.testing.TricklingHttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.cmp.PKIFreeText;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.tsp.TimeStampResp;
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
                            BlockingPost.jdkTrust(),
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

    @Test
    void aTsasRejectionTextIsEscapedInTheLogAndTheReason() throws Exception {
        byte[] rejection =
                new TimeStampResp(
                                new PKIStatusInfo(
                                        PKIStatus.rejection,
                                        new PKIFreeText(
                                                "busy \u001b[31mred\u001b[0m nel\u0085ls\u2028"
                                                        + "ps\u2029cr\rX-Injected: yes\n2026 fake line")),
                                null)
                        .getEncoded();
        HttpServer tsa =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        tsa.createContext(
                "/tsr",
                exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        exchange.getResponseHeaders()
                                .set("Content-Type", "application/timestamp-reply");
                        exchange.sendResponseHeaders(200, rejection.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(rejection);
                        }
                    }
                });
        tsa.start();
        URI url = URI.create("http://127.0.0.1:" + tsa.getAddress().getPort() + "/tsr");
        try (LogCapture log = new LogCapture("io.mailseal.tsa")) {
            TimestampAuthorityClient client =
                    new TimestampAuthorityClient(
                            List.of(url),
                            TIMEOUT,
                            new TimestampVerifier(Set.of()),
                            new CircuitBreaker(Clock.systemUTC(), (u, backoff) -> {}),
                            BlockingPost.jdkTrust(),
                            (u, reason) -> {});
            assertThatThrownBy(() -> client.stamp(new byte[] {1, 2, 3}))
                    .isInstanceOf(TimestampUnavailableException.class)
                    .hasMessageContaining("TSA refused: busy \\u001b[31mred")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern(UNSAFE));
            assertThat(log.events())
                    .singleElement()
                    .extracting(e -> e.getFormattedMessage())
                    .asString()
                    .contains(
                            "busy \\u001b[31mred\\u001b[0m nel\\u0085ls\\u2028ps\\u2029cr\\u000dX-Injected: yes\\u000a2026 fake line")
                    .doesNotContainPattern(UNSAFE);
        } finally {
            tsa.stop(0);
        }
    }

    /** A control character (C0, DEL, C1 with NEL) or a line or paragraph separator. */
    private static final String UNSAFE = "[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029]";
}
