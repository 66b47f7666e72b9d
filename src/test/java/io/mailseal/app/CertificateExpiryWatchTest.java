package io.mailseal.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.mailseal.admin.RelayGauges.WatchedCertificate;
import io.mailseal.testing.LogCapture;
import io.mailseal.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateExpiryWatchTest {
    static final Instant NOT_AFTER = Instant.parse("2027-01-31T12:00:00Z");
    final MutableClock clock = new MutableClock(NOT_AFTER.minus(Duration.ofDays(45)));
    final CertificateExpiryWatch watch =
            new CertificateExpiryWatch(
                    () ->
                            List.of(
                                    new WatchedCertificate(
                                            "signing",
                                            "mailseal.identities[0]",
                                            "CN=otp@bank.example",
                                            NOT_AFTER)),
                    clock);

    @Test
    void silentOutsideTheWindowThenAWarnADayWithinItThenAnErrorOnceEnded() {
        try (LogCapture log = new LogCapture(CertificateExpiryWatch.class.getName())) {
            assertThat(watch.check()).as("45 days ahead").isEmpty();
            clock.advance(Duration.ofDays(20));
            assertThat(watch.check())
                    .containsExactly(
                            "mailseal.identities[0] (signing certificate CN=otp@bank.example)"
                                    + " expires on 2027-01-31T12:00:00Z, in 25 days: renew it");
            clock.advance(Duration.ofDays(26));
            assertThat(watch.check())
                    .containsExactly(
                            "mailseal.identities[0] (signing certificate CN=otp@bank.example)"
                                    + " expired on 2027-01-31T12:00:00Z");
            assertThat(log.events())
                    .extracting(ILoggingEvent::getLevel)
                    .containsExactly(Level.WARN, Level.ERROR);
        }
    }
}
