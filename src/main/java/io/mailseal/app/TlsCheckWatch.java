package io.mailseal.app;

import io.mailseal.admin.RelayGauges.TlsCheckState;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.TrustAnchors;
import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.config.ConfigException;
import io.mailseal.config.TlsChecksConfig;
import io.mailseal.tlscheck.Finding;
import io.mailseal.tlscheck.TlsCheckException;
import io.mailseal.tlscheck.TlsCheckRequest;
import io.mailseal.tlscheck.TlsChecker;
import io.mailseal.tlscheck.TlsReport;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mailseal.tls-checks}: each target audited as {@code mailseal tls-check} does, on start and
 * every {@code tls-checks-interval}, one after the other on a thread of its own. Results go to the
 * {@code mailseal_tls_check_ok} and {@code mailseal_tls_certificate_expiry_seconds} gauges and to
 * {@code /ready} (for information); a check whose severity changes is logged — ERROR when it fails,
 * WARN when it warns, INFO when it is ok again.
 */
final class TlsCheckWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsCheckWatch.class);
    private final TlsChecksConfig config;
    private final TlsChecker checker;
    private final Map<String, TlsCheckState> states = new ConcurrentHashMap<>();
    private final Map<String, Object> detail = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "tls-checks");
                        t.setDaemon(true);
                        return t;
                    });

    TlsCheckWatch(TlsChecksConfig config, Clock clock) {
        this.config = config;
        this.checker =
                new TlsChecker(
                        new RevocationChecker(
                                Revocation.SOFT_FAIL, TlsCheckRequest.DEFAULT_TIMEOUT, clock),
                        clock);
    }

    static TlsCheckWatch start(TlsChecksConfig config, RelayMetrics metrics, Clock clock) {
        TlsCheckWatch watch = new TlsCheckWatch(config, clock);
        metrics.gauges().watchTlsChecks(() -> List.copyOf(watch.states.values()), clock);
        if (!config.targets().isEmpty()) {
            watch.timer.scheduleWithFixedDelay(
                    watch::checkAll, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        return watch;
    }

    /** Target → verdict and each check's severity (or the error), for {@code /ready}. */
    Map<String, Object> detail() {
        return Map.copyOf(detail);
    }

    void checkAll() {
        List<TlsChecksConfig.Target> targets = config.targets();
        for (int i = 0; i < targets.size(); i++) {
            try {
                check(targets.get(i), "mailseal.tls-checks[" + i + "]");
            } catch (RuntimeException e) {
                // one broken target must not stop the watch of the others
                log.error("tls-checks {}: {}", targets.get(i).target(), e.toString());
            }
        }
    }

    private void check(TlsChecksConfig.Target t, String key) {
        String target = t.target().toString();
        Map<String, String> severities = new LinkedHashMap<>();
        Map<String, Object> shown = new LinkedHashMap<>();
        Optional<java.time.Instant> notAfter = Optional.empty();
        try {
            TlsReport report = checker.check(request(t, key));
            for (Finding f : report.findings()) {
                severities.put(f.check(), f.severity().label());
                if (!f.severity().label().equals("ok")) {
                    shown.put(f.check() + "Summary", f.summary());
                }
            }
            severities.put("run", "ok");
            notAfter = Optional.of(report.certificateEnds());
            shown.put("verdict", report.verdict().label());
        } catch (TlsCheckException | ConfigException | IllegalArgumentException e) {
            severities.put("run", "fail");
            shown.put("verdict", "error");
            shown.put("error", e.getMessage());
        }
        shown.put("checks", severities);
        logChanges(target, severities, shown);
        states.put(target, new TlsCheckState(target, severities, notAfter));
        detail.put(target, shown);
    }

    private void logChanges(String target, Map<String, String> now, Map<String, Object> shown) {
        TlsCheckState before = states.get(target);
        now.forEach(
                (check, severity) -> {
                    String was =
                            before == null ? "ok" : before.severities().getOrDefault(check, "ok");
                    if (severity.equals(was)) {
                        return;
                    }
                    Object why = shown.getOrDefault(check + "Summary", shown.get("error"));
                    switch (severity) {
                        case "fail" -> log.error("tls-checks {} {}: fail: {}", target, check, why);
                        case "warn" -> log.warn("tls-checks {} {}: warn: {}", target, check, why);
                        default ->
                                log.info("tls-checks {} {}: ok again (was {})", target, check, was);
                    }
                });
    }

    private static TlsCheckRequest request(TlsChecksConfig.Target t, String key) {
        TlsCheckRequest r =
                TlsCheckRequest.of(t.target().toString(), t.starttls())
                        .withPins(t.pins(), t.expectIps())
                        .withWarnDays(t.warnDays());
        r = t.serverName().map(r::withServerName).orElse(r);
        return t.trust().map(p -> TrustAnchors.load(key + ".trust", p)).map(r::withTrust).orElse(r);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
