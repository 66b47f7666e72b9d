package io.mailseal.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * PKIX (RFC 5280 §6) from a certificate to one of the configured anchors, through the CA
 * certificates that came with it; revocation is a separate step ({@link RevocationChecker}). Used
 * for recipients' certificates and customers' signing certificates alike.
 */
final class CertificatePath {
    private CertificatePath() {}

    /**
     * The certificate that issued {@code cert} (from the path, or the trust anchor), for
     * revocation; throws {@link java.security.cert.CertPathValidatorException} when no valid path
     * leads to an anchor at {@code when}.
     */
    static X509Certificate issuer(
            Set<TrustAnchor> anchors, X509Certificate cert, List<X509Certificate> extra, Date when)
            throws GeneralSecurityException {
        List<X509Certificate> path = pathTo(anchors, cert, extra);
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        params.setDate(when);
        PKIXCertPathValidatorResult result =
                (PKIXCertPathValidatorResult)
                        CertPathValidator.getInstance("PKIX")
                                .validate(
                                        CertificateFactory.getInstance("X.509")
                                                .generateCertPath(path),
                                        params);
        return path.size() > 1 ? path.get(1) : result.getTrustAnchor().getTrustedCert();
    }

    /** Leaf, then each issuer found among the supplied CA certificates, up to an anchor. */
    private static List<X509Certificate> pathTo(
            Set<TrustAnchor> anchors, X509Certificate leaf, List<X509Certificate> extra) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        X509Certificate last = leaf;
        while (path.size() < 10
                && anchors.stream()
                        .noneMatch(
                                a ->
                                        a.getTrustedCert()
                                                .getSubjectX500Principal()
                                                .equals(
                                                        path.get(path.size() - 1)
                                                                .getIssuerX500Principal()))) {
            X509Certificate current = last;
            X509Certificate issuer =
                    extra.stream()
                            .filter(
                                    c ->
                                            c.getBasicConstraints() >= 0
                                                    && !path.contains(c)
                                                    && c.getSubjectX500Principal()
                                                            .equals(
                                                                    current
                                                                            .getIssuerX500Principal()))
                            .findFirst()
                            .orElse(null);
            if (issuer == null) {
                break;
            }
            path.add(issuer);
            last = issuer;
        }
        return path;
    }
}
