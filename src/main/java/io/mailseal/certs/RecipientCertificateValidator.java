package io.mailseal.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Is this certificate fit to encrypt mail to this address? PKIX to the configured anchors at the
 * clock's time, key usage for encryption, emailProtection EKU when an EKU is present, and the
 * address in subjectAltName rfc822Name — or, only when the certificate has none, the legacy
 * emailAddress attribute (RFC 8550 §3). Local part exact, domain case-insensitive (RFC 5321 §2.4).
 * Revocation is a separate step ({@link RevocationChecker}).
 *
 * <p>And what a bank can stand behind ({@link EncryptionKeyRules}): an end-entity certificate (a CA
 * certificate is not a customer's), a key of RSA 2048 bits or more or EC on P-256, P-384 or P-521,
 * and a signature with SHA-256 or better unless SHA-1 is allowed ({@code
 * certificates.allow-sha1-signatures}).
 */
public final class RecipientCertificateValidator {
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final String EMAIL_ADDRESS_ATTR = "1.2.840.113549.1.9.1";
    private static final int KU_KEY_ENCIPHERMENT = 2;
    private static final int KU_KEY_AGREEMENT = 4;

    private final Set<TrustAnchor> anchors;
    private final Clock clock;
    private final boolean allowSha1;

    public RecipientCertificateValidator(Set<TrustAnchor> anchors, Clock clock) {
        this(anchors, clock, false);
    }

    /** {@code allowSha1}: {@code certificates.allow-sha1-signatures}. */
    public RecipientCertificateValidator(Set<TrustAnchor> anchors, Clock clock, boolean allowSha1) {
        this.anchors = Set.copyOf(anchors);
        this.clock = clock;
        this.allowSha1 = allowSha1;
    }

    public sealed interface Validation {}

    /**
     * @param issuer the certificate that issued it (from the path, or the trust anchor), for
     *     revocation
     */
    public record Valid(X509Certificate issuer) implements Validation {}

    public record Invalid(String reason) implements Validation {}

    public Validation validate(
            X509Certificate cert, List<X509Certificate> extraChain, String address) {
        String unfit = unfit(cert, address);
        if (unfit != null) {
            return new Invalid(unfit);
        }
        Date now = Date.from(clock.instant());
        try {
            return new Valid(CertificatePath.issuer(anchors, cert, extraChain, now));
        } catch (CertPathValidatorException e) {
            return new Invalid("not issued by a trusted CA: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new Invalid("cannot be validated: " + e.getMessage());
        }
    }

    /**
     * Every check but the path to a trusted CA: validity at the clock's time, {@link
     * EncryptionKeyRules}, key usage and the address. Alone, for a certificate a DNSSEC-secure
     * SMIMEA record (DANE-EE) vouches for; null when fit.
     */
    public String unfit(X509Certificate cert, String address) {
        try {
            cert.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            return "expired on " + cert.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            return "not valid before " + cert.getNotBefore().toInstant();
        }
        String usage = EncryptionKeyRules.problem(cert, allowSha1);
        if (usage == null) {
            usage = usageProblem(cert);
        }
        if (usage != null) {
            return usage;
        }
        return addressMatches(cert, address)
                ? null
                : "no subjectAltName rfc822Name matching " + address;
    }

    private static String usageProblem(X509Certificate cert) {
        boolean ec = cert.getPublicKey() instanceof ECPublicKey;
        boolean[] ku = cert.getKeyUsage();
        if (ku != null) {
            int bit = ec ? KU_KEY_AGREEMENT : KU_KEY_ENCIPHERMENT;
            if (ku.length <= bit || !ku[bit]) {
                return "keyUsage lacks " + (ec ? "keyAgreement" : "keyEncipherment");
            }
        }
        return ekuProblem(cert);
    }

    /** An extendedKeyUsage, when present, must allow mail protection (RFC 8550 §4.4.4). */
    static String ekuProblem(X509Certificate cert) {
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EMAIL_PROTECTION) && !eku.contains(ANY_EKU)) {
                return "extendedKeyUsage lacks emailProtection";
            }
        } catch (CertificateParsingException e) {
            return "extendedKeyUsage cannot be parsed";
        }
        return null;
    }

    static boolean addressMatches(X509Certificate cert, String address) {
        List<String> sanEmails = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(1).equals(san.get(0))) {
                        sanEmails.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sanEmails.isEmpty()) {
            sanEmails.addAll(legacyEmailAddresses(cert));
        }
        return sanEmails.stream().anyMatch(e -> sameMailbox(e, address));
    }

    private static List<String> legacyEmailAddresses(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn :
                    new LdapName(cert.getSubjectX500Principal().getName("RFC2253")).getRdns()) {
                if (rdn.getType().equalsIgnoreCase(EMAIL_ADDRESS_ATTR)
                        || rdn.getType().equalsIgnoreCase("EMAILADDRESS")) {
                    Object v = rdn.getValue();
                    out.add(v instanceof byte[] b ? decodeIa5(b) : v.toString());
                }
            }
        } catch (InvalidNameException e) {
            return out;
        }
        return out;
    }

    /** RFC 2253 renders unknown attribute types as #hex DER: an IA5String here. */
    private static String decodeIa5(byte[] der) {
        try {
            return org.bouncycastle.asn1.ASN1IA5String.getInstance(der).getString();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    static boolean sameMailbox(String a, String b) {
        int ia = a.lastIndexOf('@');
        int ib = b.lastIndexOf('@');
        if (ia < 0 || ib < 0) {
            return false;
        }
        return a.substring(0, ia).equals(b.substring(0, ib))
                && a.substring(ia + 1)
                        .toLowerCase(Locale.ROOT)
                        .equals(b.substring(ib + 1).toLowerCase(Locale.ROOT));
    }
}
