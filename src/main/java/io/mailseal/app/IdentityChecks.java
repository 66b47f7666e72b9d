package io.mailseal.app;

import static io.mailseal.config.Keywords.kebab;

import io.mailseal.admin.RelayGauges;
import io.mailseal.certs.SigningIdentities;
import io.mailseal.certs.SigningKey;
import io.mailseal.config.PolicyConfig;
import io.mailseal.config.SmtpConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the bank's signing certificates and the intake's TLS certificate must be for mail to go out
 * verifiable: in their validity period (a warning {@link #WARN_BEFORE} ahead of the end), fit for
 * signing mail (keyUsage, extendedKeyUsage per RFC 8550 §4.4), the key in the keystore the
 * certificate's, and naming the senders whose mail they sign (RFC 8550 §3: a client compares the
 * signer's address with From). Part of {@link RelayAssembly#validate}.
 */
final class IdentityChecks {
    /**
     * How long before its end a certificate is reported (check-config, a WARN at start, reload and
     * daily). A constant: Prometheus alerts on {@code mailseal_certificate_expiry_seconds} with any
     * threshold it likes.
     */
    static final Duration WARN_BEFORE = Duration.ofDays(30);

    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EKU = "2.5.29.37.0";

    private IdentityChecks() {}

    /** Every identity's certificate, then every signing policy's sender against its identity. */
    static void check(
            List<PolicyConfig> policies,
            SigningIdentities identities,
            Clock clock,
            Problems problems) {
        Instant now = clock.instant();
        for (SigningIdentities.Entry e : identities.entries()) {
            SigningKey active = e.active(now);
            for (SigningKey k : e.keys()) {
                String key = k.source().key();
                String value = "\"" + k.source().location() + "\" ";
                X509Certificate cert = k.certificate();
                if (k == active) {
                    validity(
                            cert,
                            now,
                            key + ": " + value + "certificate ",
                            successor(e, k),
                            problems);
                }
                fitForSigning(cert).ifPresent(why -> problems.add(key + ": " + value + why));
                KeyProbe.problem(k).ifPresent(why -> problems.add(key + ": " + value + why));
            }
        }
        signerGaps(policies, identities, clock, problems);
    }

    /** {@code smtp.tls}'s first certificate in its validity period (InboundTls checks the key). */
    static void checkIntake(SmtpConfig smtp, Clock clock, Problems problems) {
        intakeCertificate(smtp)
                .ifPresent(
                        cert ->
                                validity(
                                        cert,
                                        clock.instant(),
                                        smtp.section()
                                                + ".tls.certificate: \""
                                                + smtp.tls().get().certificate()
                                                + "\" ",
                                        false,
                                        problems));
    }

    /**
     * The intake's TLS certificate (the first in {@code smtp.tls.certificate}); empty without TLS
     * or when unreadable (then the intake's own check, IntakeServer.check, names the problem).
     */
    static Optional<X509Certificate> intakeCertificate(SmtpConfig smtp) {
        if (smtp.tls().isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(smtp.tls().get().certificate())) {
            return Optional.of(
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** A certificate as the expiry gauge and the daily check see it. */
    static RelayGauges.WatchedCertificate watched(
            String kind, String key, X509Certificate certificate) {
        return new RelayGauges.WatchedCertificate(
                kind, key, subject(certificate), certificate.getNotAfter().toInstant());
    }

    /** Another key of the identity whose certificate ends later (rotation is prepared). */
    private static boolean successor(SigningIdentities.Entry e, SigningKey active) {
        return e.keys().stream()
                .anyMatch(
                        k ->
                                k != active
                                        && k.certificate()
                                                .getNotAfter()
                                                .after(active.certificate().getNotAfter()));
    }

    /**
     * Expired or not yet valid: an error (every signature would fail at the customer); ending
     * within {@link #WARN_BEFORE}: a warning.
     */
    private static void validity(
            X509Certificate cert,
            Instant now,
            String what,
            boolean hasSuccessor,
            Problems problems) {
        Instant notAfter = cert.getNotAfter().toInstant();
        Instant notBefore = cert.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            problems.add(what + subject(cert) + " expired on " + notAfter);
        } else if (now.isBefore(notBefore)) {
            problems.add(what + subject(cert) + " is not valid before " + notBefore);
        } else {
            endingSoon(notAfter, now)
                    .filter(w -> !hasSuccessor)
                    .ifPresent(
                            w ->
                                    problems.warn(
                                            what
                                                    + subject(cert)
                                                    + w
                                                    + " (no successor key in the identity)"));
        }
    }

    /**
     * " expires on T, in N days: renew it" when {@code notAfter} is within {@link #WARN_BEFORE}.
     */
    static Optional<String> endingSoon(Instant notAfter, Instant now) {
        if (now.isAfter(notAfter) || now.plus(WARN_BEFORE).isBefore(notAfter)) {
            return Optional.empty();
        }
        return Optional.of(
                " expires on "
                        + notAfter
                        + ", in "
                        + Duration.between(now, notAfter).toDays()
                        + " days: renew it");
    }

    /** Why a certificate cannot sign mail, if it cannot (RFC 5280 §4.2.1.3, §4.2.1.12). */
    private static Optional<String> fitForSigning(X509Certificate cert) {
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && !usage[0] && !usage[1]) {
            return Optional.of(
                    "certificate "
                            + subject(cert)
                            + " has a keyUsage without digitalSignature or nonRepudiation: it may"
                            + " not sign mail");
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EMAIL_PROTECTION) && !eku.contains(ANY_EKU)) {
                return Optional.of(
                        "certificate "
                                + subject(cert)
                                + " has an extendedKeyUsage without emailProtection: clients"
                                + " reject it for S/MIME");
            }
        } catch (CertificateParsingException e) {
            return Optional.of(
                    "certificate "
                            + subject(cert)
                            + " has an extendedKeyUsage that cannot be read");
        }
        return Optional.empty();
    }

    /**
     * A signing policy's sender must be an address of the certificate it is signed with: a literal
     * {@code from} exactly, {@code *@domain} some address in the domain. Senders known only at run
     * time (no {@code from}, a regex) are not checked. A sender with no identity at all is {@link
     * SigningPolicyGaps#of}'s problem.
     */
    private static void signerGaps(
            List<PolicyConfig> policies,
            SigningIdentities identities,
            Clock clock,
            Problems problems) {
        for (int i = 0; i < policies.size(); i++) {
            PolicyConfig p = policies.get(i);
            if (!p.signs() || p.allowSignerMismatch()) {
                continue;
            }
            String from = p.match().from().map(PolicyConfig.TextPattern::text).orElse("");
            String sender = SigningPolicyGaps.representativeSender(from);
            Optional<SigningIdentities.Entry> entry =
                    sender == null ? Optional.empty() : identities.entryForSender(sender);
            if (entry.isEmpty()) {
                continue;
            }
            Set<String> named =
                    SigningIdentities.addresses(entry.get().active(clock.instant()).certificate());
            String wanted = from.toLowerCase(Locale.ROOT);
            boolean covered =
                    from.startsWith("*@")
                            ? named.stream().anyMatch(a -> a.endsWith(wanted.substring(1)))
                            : named.contains(wanted);
            if (!covered) {
                problems.add(
                        "mailseal.policies["
                                + i
                                + "].match.from: \""
                                + from
                                + "\" (policy "
                                + p.name()
                                + ", action "
                                + kebab(p.action())
                                + ") is signed with "
                                + entry.get().config().key()
                                + " (\""
                                + entry.get().active(clock.instant()).source().location()
                                + "\"), whose certificate names "
                                + (named.isEmpty() ? "no e-mail address" : String.join(", ", named))
                                + ": customers' clients would flag the signature; put the sender in"
                                + " the certificate or set allow-signer-mismatch = true");
            }
        }
    }

    private static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }
}
