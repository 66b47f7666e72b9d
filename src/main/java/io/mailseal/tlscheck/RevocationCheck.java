package io.mailseal.tlscheck;

import io.mailseal.certs.RevocationChecker;
import io.mailseal.certs.RevocationStatus;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Is the server certificate revoked? Says whether the server staples an OCSP response, then asks
 * the issuer through {@link RevocationChecker}: OCSP at the AIA URL first, the CRL at the
 * distribution point when OCSP gives no answer. Revoked → fail; no answer → warn.
 */
final class RevocationCheck {
    private RevocationCheck() {}

    static Finding check(
            List<X509Certificate> path, Optional<Boolean> stapled, RevocationChecker checker) {
        Finding.Builder f = new Finding.Builder("revocation");
        f.note(
                "OCSP stapling: "
                        + stapled.map(s -> s ? "offered" : "not offered")
                                .orElse("not known (TLSv1.3 only: the status is encrypted)"));
        X509Certificate leaf = path.get(0);
        if (path.size() < 2) {
            return f.problem(Severity.WARN, "the issuer is unknown, revocation not checked")
                    .build("");
        }
        RevocationStatus s = checker.check(leaf, path.get(1));
        if (s instanceof RevocationStatus.Revoked r) {
            f.problem(Severity.FAIL, "the server certificate is " + r.how());
        } else if (s instanceof RevocationStatus.Unknown u) {
            f.problem(Severity.WARN, "no revocation answer: " + u.why());
        } else if (s instanceof RevocationStatus.Good g) {
            f.note("good: " + g.how());
        }
        return f.build("not revoked");
    }
}
