package io.mailseal.certs;

import io.mailseal.config.CertificatesConfig.Revocation;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * May the bank believe a customer's signature? Only for a certificate valid now, fit for signing
 * mail (keyUsage digitalSignature or nonRepudiation when present, extendedKeyUsage emailProtection
 * when present), naming the From address (RFC 8550 §3, as customers' clients compare it), with a
 * PKIX path to {@code certificates.trust-anchors} and not revoked ({@code certificates.revocation}:
 * no answer is {@link Undetermined} under hard-fail, believed with a note under soft-fail).
 */
public final class SignerTrust {
    private final Set<TrustAnchor> anchors;
    private final RevocationChecker revocation;
    private final Clock clock;

    public sealed interface Judgement {}

    /** {@code how}: what the revocation check said. */
    public record Trusted(String how) implements Judgement {}

    public record Untrusted(String reason) implements Judgement {}

    /** No answer now (revocation unreachable under hard-fail): ask again later. */
    public record Undetermined(String reason) implements Judgement {}

    public SignerTrust(Set<TrustAnchor> anchors, RevocationChecker revocation, Clock clock) {
        this.anchors = Set.copyOf(anchors);
        this.revocation = revocation;
        this.clock = clock;
    }

    /**
     * @param included the certificates that came with the signature (for the path)
     * @param from the From address of the message
     */
    public Judgement judge(X509Certificate signer, List<X509Certificate> included, String from) {
        Date now = Date.from(clock.instant());
        try {
            signer.checkValidity(now);
        } catch (CertificateExpiredException e) {
            return new Untrusted(
                    "signer certificate expired on " + signer.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return new Untrusted(
                    "signer certificate not valid before " + signer.getNotBefore().toInstant());
        }
        String usage = usageProblem(signer);
        if (usage != null) {
            return new Untrusted(usage);
        }
        if (!RecipientCertificateValidator.addressMatches(signer, from)) {
            return new Untrusted(
                    "signer certificate is for "
                            + addresses(signer)
                            + ", not the From address <"
                            + from
                            + ">");
        }
        X509Certificate issuer;
        try {
            issuer = CertificatePath.issuer(anchors, signer, included, now);
        } catch (GeneralSecurityException e) {
            return new Untrusted("signer not issued by a trusted CA: " + e.getMessage());
        }
        RevocationStatus status = revocation.check(signer, issuer);
        if (status instanceof RevocationStatus.Revoked r) {
            return new Untrusted("signer certificate revoked (" + r.how() + ")");
        }
        if (status instanceof RevocationStatus.Unknown u) {
            return revocation.mode() == Revocation.HARD_FAIL
                    ? new Undetermined("revocation status unknown: " + u.why())
                    : new Trusted("revocation status unknown, soft-fail: " + u.why());
        }
        return new Trusted(((RevocationStatus.Good) status).how());
    }

    /** The addresses a certificate names (subjectAltName, else the legacy emailAddress). */
    public static Set<String> addresses(X509Certificate cert) {
        return CertificateHarvester.addresses(cert);
    }

    private static String usageProblem(X509Certificate cert) {
        boolean[] ku = cert.getKeyUsage();
        if (ku != null && !(ku[0] || (ku.length > 1 && ku[1]))) {
            return "signer certificate's keyUsage lacks digitalSignature";
        }
        String eku = RecipientCertificateValidator.ekuProblem(cert);
        if (eku != null) {
            return "signer certificate's " + eku;
        }
        return null;
    }
}
