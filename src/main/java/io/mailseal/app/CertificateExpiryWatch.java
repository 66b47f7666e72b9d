package io.mailseal.app;

import io.mailseal.admin.RelayGauges.WatchedCertificate;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.config.SmtpConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a day while the relay runs: a WARN for each certificate it presents that ends within {@link
 * IdentityChecks#WARN_BEFORE}, an ERROR for one that has ended (then /ready says so too). Start,
 * reload and check-config report the same at once; this catches a relay that simply keeps running.
 */
final class CertificateExpiryWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateExpiryWatch.class);
    private final Supplier<List<WatchedCertificate>> certificates;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "certificate-expiry");
                        t.setDaemon(true);
                        return t;
                    });

    CertificateExpiryWatch(Supplier<List<WatchedCertificate>> certificates, Clock clock) {
        this.certificates = certificates;
        this.clock = clock;
    }

    /**
     * The certificates a relay presents: its current signing identities (they follow a reload) and
     * the intake's TLS certificate (read at start, as smtp is); exported as the expiry gauge and
     * checked daily.
     */
    static CertificateExpiryWatch start(
            SmtpConfig smtp,
            Supplier<List<WatchedCertificate>> signing,
            RelayMetrics metrics,
            Clock clock) {
        List<WatchedCertificate> tls =
                IdentityChecks.intakeCertificate(smtp)
                        .map(c -> IdentityChecks.watched("tls", "mailseal.smtp.tls", c))
                        .stream()
                        .toList();
        Supplier<List<WatchedCertificate>> presented =
                () -> Stream.concat(signing.get().stream(), tls.stream()).toList();
        metrics.gauges().watchCertificates(presented, clock);
        return new CertificateExpiryWatch(presented, clock).start();
    }

    /** Checks every 24 h, the first time a day from now (start-up has just reported). */
    CertificateExpiryWatch start() {
        timer.scheduleAtFixedRate(this::check, 1, 1, TimeUnit.DAYS);
        return this;
    }

    /** Logs and returns what it found now: one line per certificate ending soon or ended. */
    List<String> check() {
        Instant now = clock.instant();
        List<String> found = new ArrayList<>();
        for (WatchedCertificate c : certificates.get()) {
            String what = c.key() + " (" + c.kind() + " certificate " + c.subject() + ")";
            if (!now.isBefore(c.notAfter())) {
                String line = what + " expired on " + c.notAfter();
                log.error("{}", line);
                found.add(line);
            } else {
                IdentityChecks.endingSoon(c.notAfter(), now)
                        .ifPresent(
                                w -> {
                                    log.warn("{}{}", what, w);
                                    found.add(what + w);
                                });
            }
        }
        return found;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
