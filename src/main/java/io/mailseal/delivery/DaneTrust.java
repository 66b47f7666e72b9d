package io.mailseal.delivery;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import org.xbill.DNS.TLSARecord;

/**
 * The next hop's certificate checked against its DNSSEC-secure TLSA records (RFC 7672 §3.1), as
 * Postfix does: DANE-EE (3) matches the server's own certificate or key, names and dates ignored
 * (the record is the binding); DANE-TA (2) matches a CA certificate or key the server sends in its
 * chain, which must then issue the server's certificate (PKIX path, dates checked) for the MX host
 * name (subjectAltName dNSName, a wildcard only as the whole leftmost label). A chain nothing
 * matches fails the handshake: the mail waits.
 */
final class DaneTrust implements X509TrustManager {
    private final List<TLSARecord> records;
    private final String host;
    private final Clock clock;

    DaneTrust(List<TLSARecord> records, String host, Clock clock) {
        this.records = List.copyOf(records);
        this.host = host;
        this.clock = clock;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        for (TLSARecord r : records) {
            if (r.getCertificateUsage() == TLSARecord.CertificateUsage.DOMAIN_ISSUED_CERTIFICATE
                    && matches(r, chain[0])) {
                return;
            }
        }
        String taProblem = null;
        for (TLSARecord r : records) {
            if (r.getCertificateUsage() != TLSARecord.CertificateUsage.TRUST_ANCHOR_ASSERTION) {
                continue;
            }
            for (int i = 1; i < chain.length; i++) {
                if (matches(r, chain[i])) {
                    taProblem = issuedBy(chain, i);
                    if (taProblem == null) {
                        return;
                    }
                }
            }
        }
        throw new CertificateException(
                taProblem != null
                        ? "DANE: " + taProblem
                        : "DANE: no TLSA record of "
                                + host
                                + " matches the certificate it presented");
    }

    /** Null when {@code chain[0..ta)} is a valid path from {@code chain[ta]} naming the host. */
    private String issuedBy(X509Certificate[] chain, int ta) {
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain[ta], null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509")
                                    .generateCertPath(Arrays.asList(chain).subList(0, ta)),
                            params);
        } catch (GeneralSecurityException e) {
            return "the chain to the DANE-TA certificate does not validate: " + e.getMessage();
        }
        return namesHost(chain[0]) ? null : "the certificate does not name " + host;
    }

    private boolean namesHost(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return false;
            }
            String want = host.toLowerCase(Locale.ROOT);
            for (List<?> san : sans) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    String name = ((String) san.get(1)).toLowerCase(Locale.ROOT);
                    if (name.equals(want)
                            || name.startsWith("*.")
                                    && want.indexOf('.') > 0
                                    && want.substring(want.indexOf('.'))
                                            .equals(name.substring(1))) {
                        return true;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return false;
    }

    private static boolean matches(TLSARecord r, X509Certificate cert) {
        try {
            byte[] data =
                    r.getSelector() == TLSARecord.Selector.FULL_CERTIFICATE
                            ? cert.getEncoded()
                            : cert.getPublicKey().getEncoded();
            byte[] digest =
                    switch (r.getMatchingType()) {
                        case TLSARecord.MatchingType.EXACT -> data;
                        case TLSARecord.MatchingType.SHA256 ->
                                MessageDigest.getInstance("SHA-256").digest(data);
                        default -> MessageDigest.getInstance("SHA-512").digest(data);
                    };
            return MessageDigest.isEqual(digest, r.getCertificateAssociationData());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
