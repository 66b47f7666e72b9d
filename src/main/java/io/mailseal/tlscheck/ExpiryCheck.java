package io.mailseal.tlscheck;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Is every certificate of the path within its validity now, and for how long yet? Not yet valid or
 * ended → fail; ending within the warning days → warn. The anchor is the trust store's business and
 * is left out.
 */
final class ExpiryCheck {
    private ExpiryCheck() {}

    /** The certificates judged: the path without its anchor when it has one. */
    static List<X509Certificate> judged(List<X509Certificate> path, boolean anchored) {
        return anchored && path.size() > 1 ? path.subList(0, path.size() - 1) : path;
    }

    /** The first notAfter among {@code certs}. */
    static Instant firstEnd(List<X509Certificate> certs) {
        return certs.stream()
                .map(c -> c.getNotAfter().toInstant())
                .min(Instant::compareTo)
                .orElseThrow();
    }

    static Finding check(List<X509Certificate> certs, Instant now, int warnDays) {
        Finding.Builder f = new Finding.Builder("expiry");
        for (X509Certificate c : certs) {
            String who =
                    c == certs.get(0)
                            ? "the server certificate"
                            : c.getSubjectX500Principal().getName();
            Instant from = c.getNotBefore().toInstant();
            Instant to = c.getNotAfter().toInstant();
            long days = Duration.between(now, to).toDays();
            if (now.isBefore(from)) {
                f.problem(Severity.FAIL, who + " is not valid before " + from);
            } else if (!now.isBefore(to)) {
                f.problem(Severity.FAIL, who + " expired on " + to);
            } else if (days < warnDays) {
                f.problem(Severity.WARN, who + " expires on " + to + ", in " + days + " days");
            } else {
                f.note(who + " valid until " + to + " (" + days + " days left)");
            }
        }
        return f.build(
                "valid for " + Duration.between(now, firstEnd(certs)).toDays() + " more days");
    }
}
