package io.mailseal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    static final URI A = URI.create("http://tsa-a.example/tsr");
    static final URI B = URI.create("http://tsa-b.example/tsr");
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T03:00:00Z"));
    final List<Duration> opened = new ArrayList<>();
    final CircuitBreaker breaker = new CircuitBreaker(clock, (url, backoff) -> opened.add(backoff));

    @Test
    void aFailureOpensTheCircuitForTheBackoffThenOneProbeIsLetThrough() {
        assertThat(breaker.allows(A)).isTrue();
        breaker.failed(A);
        assertThat(breaker.allows(A)).isFalse();
        assertThat(breaker.allows(B)).as("per URL").isTrue();
        assertThat(breaker.allowsAny(List.of(A, B))).isTrue();
        assertThat(breaker.allowsAny(List.of(A))).isFalse();
        assertThat(breaker.openUntil())
                .isEqualTo(Map.of(A, clock.instant().plus(Duration.ofSeconds(30))));

        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.allows(A)).as("half-open after the back-off").isTrue();
        assertThat(breaker.openUntil()).isEmpty();
    }

    @Test
    void failuresInARowDoubleTheBackoffUpToTheCapAndASuccessClosesIt() {
        for (int i = 0; i < 6; i++) {
            breaker.failed(A);
        }
        assertThat(opened)
                .containsExactly(
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(2),
                        Duration.ofMinutes(4),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(5));
        breaker.succeeded(A);
        assertThat(breaker.allows(A)).isTrue();
        breaker.failed(A);
        assertThat(opened.get(opened.size() - 1))
                .as("counting starts again")
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aCallThatThrowsIOExceptionOpensAndOneThatAnswersCloses() throws Exception {
        assertThatThrownBy(
                        () ->
                                breaker.call(
                                        A,
                                        () -> {
                                            throw new IOException("connection reset");
                                        }))
                .hasMessage("connection reset");
        assertThat(breaker.allows(A)).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.call(A, () -> "answer")).isEqualTo("answer");
        assertThat(breaker.openUntil()).isEmpty();
        breaker.failed(A);
        assertThat(opened).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30));
    }
}
