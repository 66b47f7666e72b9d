package io.mailseal.tlscheck;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Does the served chain lead to a trust anchor (PKIX, RFC 5280 §6, without revocation: that is its
 * own check)? Flags a self-signed leaf, an issuer neither served nor trusted (a missing
 * intermediate), certificates served out of order, SHA-1 signatures, RSA keys under 2048 bits and
 * EC keys under 256. Validity is the expiry check's: a path that fails now is built again at the
 * middle of the leaf's validity, and holds if only dates were wrong.
 */
final class ChainCheck {
    private ChainCheck() {}

    /**
     * The finding, and the path leaf first with the anchor's certificate last ({@code anchored}),
     * or the served chain when there is no path.
     */
    record Result(Finding finding, List<X509Certificate> path, boolean anchored) {}

    static Result check(List<X509Certificate> served, Set<TrustAnchor> anchors, Instant now) {
        Finding.Builder f = new Finding.Builder("chain");
        X509Certificate leaf = served.get(0);
        for (X509Certificate c : served) {
            f.note("served: " + c.getSubjectX500Principal().getName());
        }
        List<X509Certificate> path = new ArrayList<>(served);
        boolean anchored = false;
        try {
            PKIXCertPathBuilderResult built = build(served, anchors, now);
            path = new ArrayList<>();
            for (var c : built.getCertPath().getCertificates()) {
                path.add((X509Certificate) c);
            }
            X509Certificate root = built.getTrustAnchor().getTrustedCert();
            if (root != null) {
                path.add(root);
                anchored = true;
                f.note("trust anchor: " + root.getSubjectX500Principal().getName());
            }
            order(served, f);
        } catch (CertPathBuilderException e) {
            f.problem(Severity.FAIL, whyNoPath(served, anchors, e));
        } catch (GeneralSecurityException e) {
            f.problem(Severity.FAIL, "the chain cannot be checked: " + e.getMessage());
        }
        for (X509Certificate c : path) {
            weak(c, f, leaf);
        }
        return new Result(f.build("leads to a trusted root"), List.copyOf(path), anchored);
    }

    private static PKIXCertPathBuilderResult build(
            List<X509Certificate> served, Set<TrustAnchor> anchors, Instant now)
            throws GeneralSecurityException {
        try {
            return build(served, anchors, Date.from(now));
        } catch (CertPathBuilderException e) {
            // the builder does not say which certificate failed on what; if the same path holds
            // within the leaf's validity, only dates are wrong, and those are the expiry check's
            X509Certificate leaf = served.get(0);
            long middle = (leaf.getNotBefore().getTime() + leaf.getNotAfter().getTime()) / 2;
            try {
                return build(served, anchors, new Date(middle));
            } catch (CertPathBuilderException again) {
                throw e;
            }
        }
    }

    private static PKIXCertPathBuilderResult build(
            List<X509Certificate> served, Set<TrustAnchor> anchors, Date at)
            throws GeneralSecurityException {
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(served.get(0));
        PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
        params.setRevocationEnabled(false);
        params.setDate(at);
        params.addCertStore(
                CertStore.getInstance("Collection", new CollectionCertStoreParameters(served)));
        return (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
    }

    private static String whyNoPath(
            List<X509Certificate> served, Set<TrustAnchor> anchors, Exception e) {
        X509Certificate leaf = served.get(0);
        if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())) {
            return "self-signed and not a trust anchor";
        }
        for (X509Certificate c : served) {
            var issuer = c.getIssuerX500Principal();
            boolean known =
                    served.stream().anyMatch(s -> s.getSubjectX500Principal().equals(issuer))
                            || anchors.stream()
                                    .anyMatch(
                                            a ->
                                                    a.getTrustedCert() != null
                                                            && a.getTrustedCert()
                                                                    .getSubjectX500Principal()
                                                                    .equals(issuer));
            if (!known) {
                return "the issuer \""
                        + issuer.getName()
                        + "\" is neither served nor trusted (missing intermediate?)";
            }
        }
        return "no path to a trusted root: " + e.getMessage();
    }

    private static void order(List<X509Certificate> served, Finding.Builder f) {
        for (int i = 1; i < served.size(); i++) {
            if (!served.get(i)
                    .getSubjectX500Principal()
                    .equals(served.get(i - 1).getIssuerX500Principal())) {
                f.problem(
                        Severity.WARN,
                        "served out of order: certificate "
                                + (i + 1)
                                + " does not issue certificate "
                                + i
                                + " (RFC 5246 §7.4.2)");
                return;
            }
        }
    }

    private static void weak(X509Certificate c, Finding.Builder f, X509Certificate leaf) {
        String who = c == leaf ? "the server certificate" : c.getSubjectX500Principal().getName();
        boolean selfSigned = c.getIssuerX500Principal().equals(c.getSubjectX500Principal());
        if (!selfSigned && c.getSigAlgName().toUpperCase(Locale.ROOT).contains("SHA1")) {
            f.problem(Severity.FAIL, who + " is signed with " + c.getSigAlgName());
        }
        if (c.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
            f.problem(
                    Severity.FAIL,
                    who + " has an RSA key of " + rsa.getModulus().bitLength() + " bits (< 2048)");
        }
        if (c.getPublicKey() instanceof ECPublicKey ec
                && ec.getParams().getOrder().bitLength() < 256) {
            f.problem(
                    Severity.FAIL,
                    who
                            + " has an EC key of "
                            + ec.getParams().getOrder().bitLength()
                            + " bits (< 256)");
        }
    }
}
