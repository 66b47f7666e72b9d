package io.mailseal.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Time is nanoseconds passed in: no sleeps. */
class PeerPaceTest {
    private static final long S = 1_000_000_000L;

    private static PeerPace pace() {
        return new PeerPace(Duration.ofSeconds(60), 1024, 0);
    }

    @Test
    void aCommandLineMayTakeUpToTheDeadlineHoweverItTrickles() {
        PeerPace p = pace();
        assertThat(p.overdue(60 * S, false)).isEmpty();
        assertThat(p.overdue(60 * S + 1, false)).hasValue("Command not complete within 60 s");
        assertThat(p.overdue(61 * S, false)).as("answered once").isEmpty();
        assertThat(p.busy(61 * S)).as("a cut client gets nothing more done").isFalse();
    }

    @Test
    void theDeadlineStartsAgainWithEveryReply() {
        PeerPace p = pace();
        assertThat(p.busy(50 * S)).isTrue();
        assertThat(p.overdue(200 * S, false)).as("the intake works, the client waits").isEmpty();
        p.awaitCommand(200 * S);
        assertThat(p.overdue(259 * S, false)).isEmpty();
        assertThat(p.overdue(261 * S, false)).isPresent();
    }

    @Test
    void underStressAWaitOverTenSecondsIsCut() {
        PeerPace p = pace();
        assertThat(p.overdue(10 * S, true)).isEmpty();
        assertThat(p.overdue(11 * S, true))
                .hasValue("Idle or slow for 10 s while the server is busy");
    }

    @Test
    void dataSlowerThanTheMinimumRateIsCutAfterTheGrace() {
        PeerPace p = pace();
        p.busy(0);
        p.receiveData(0);
        for (int s = 1; s <= 9; s++) {
            p.received(1, s * S);
            assertThat(p.overdue(s * S, false)).as("grace").isEmpty();
        }
        p.received(1, 10 * S);
        assertThat(p.overdue(10 * S, false)).hasValue("Message data slower than 1024 bytes/s");
    }

    @Test
    void dataAtTheMinimumRatePassesWindowAfterWindow() {
        PeerPace p = pace();
        p.receiveData(0);
        for (int s = 1; s <= 100; s++) {
            p.received(1024, s * S);
            assertThat(p.overdue(s * S, false)).as("second " + s).isEmpty();
        }
    }

    @Test
    void aFastStartDoesNotBuyASlowFinish() {
        PeerPace p = pace();
        p.receiveData(0);
        p.received(50_000_000, S);
        assertThat(p.overdue(10 * S, false)).isEmpty();
        p.received(1, 15 * S);
        assertThat(p.overdue(20 * S, false)).isPresent();
    }

    @Test
    void silenceInsideDataIsLeftToTheDataTimeoutUnlessUnderStress() {
        PeerPace p = pace();
        p.receiveData(0);
        p.received(100_000, S);
        assertThat(p.overdue(30 * S, false)).isEmpty();
        assertThat(p.overdue(60 * S, false)).isEmpty();
        assertThat(p.overdue(61 * S, true)).isPresent();
    }

    @Test
    void theSinkDecidingIsNeverTheClientsFault() {
        PeerPace p = pace();
        p.receiveData(0);
        p.received(1, S);
        assertThat(p.busy(2 * S)).isTrue();
        assertThat(p.overdue(1000 * S, true)).isEmpty();
    }
}
