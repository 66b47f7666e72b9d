package io.mailseal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.testing.Eventually;
import io.mailseal.testing.TricklingHttpServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS) // without a deadline these would hang, not fail
class HttpDeadlineTest {
    @Test
    void aBodyTricklingInAfterPromptHeadersIsCutAtTheDeadlineAndItsConnectionClosed()
            throws Exception {
        try (TricklingHttpServer server =
                new TricklingHttpServer("application/octet-stream", Duration.ofMillis(200))) {
            HttpRequest request =
                    HttpRequest.newBuilder(server.url("/x"))
                            .timeout(Duration.ofSeconds(30))
                            .build();
            long start = System.nanoTime();
            assertThatThrownBy(
                            () ->
                                    HttpDeadline.send(
                                            HttpClient.newHttpClient(),
                                            request,
                                            info -> new BoundedBody(1 << 20),
                                            Duration.ofMillis(700)))
                    .isInstanceOf(HttpTimeoutException.class)
                    .hasMessage("did not answer within 700 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("the request's own 30 s timeout was satisfied by the headers")
                    .isLessThan(Duration.ofMillis(1500));
            Eventually.await(
                    "the connection closed by the cancelled exchange",
                    Duration.ofSeconds(5),
                    () -> server.abandoned() == 1);
        }
    }

    @Test
    void aRefusedConnectionIsNamedByItsExceptionNeverNull() {
        assertThat(HttpDeadline.describe(new java.net.ConnectException()))
                .isEqualTo("java.net.ConnectException");
        assertThat(HttpDeadline.describe(new java.io.IOException("HTTP 503")))
                .isEqualTo("HTTP 503");
    }

    @Test
    void aPasswordInAUrlIsNeverShown() {
        assertThat(HttpDeadline.redact(java.net.URI.create("https://u:p%40ss@tsa.example/x?a=1")))
                .isEqualTo("https://***@tsa.example/x?a=1");
        assertThat(HttpDeadline.redact(java.net.URI.create("http://tsa.example:318/")))
                .isEqualTo("http://tsa.example:318/");
    }
}
