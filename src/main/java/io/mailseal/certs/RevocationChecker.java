package io.mailseal.certs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mailseal.config.CertificatesConfig.Revocation;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Is a recipient certificate revoked? ({@code certificates.revocation}) OCSP first, at the URL in
 * its Authority Information Access, then the CRL at its distribution point. Answers are kept for at
 * most an hour: good ones until their nextUpdate, revoked ones regardless, since revocation is
 * final (RFC 5280 §5.3.1; the hour lets a lifted certificateHold be seen). A certificate naming
 * neither has no answer to give: that is Unknown, like a responder that does not answer, and the
 * mode decides (soft-fail: usable with a WARN and a metric; hard-fail: unusable for now).
 */
public final class RevocationChecker {
    private final Revocation mode;
    private final OcspClient ocsp;
    private final CrlClient crl;
    private final Cache<String, RevocationStatus> answers;
    private final Clock clock;

    public RevocationChecker(Revocation mode, Duration timeout, Clock clock) {
        this.mode = mode;
        this.clock = clock;
        // HTTP/1.1: OCSP responders and CRL servers are small HTTP servers; an h2c upgrade offer
        // leaves some (openssl ocsp among them) waiting for a request that never comes
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        this.ocsp = new OcspClient(http, timeout, clock);
        this.crl = new CrlClient(http, timeout, clock);
        this.answers =
                Caffeine.newBuilder()
                        .maximumSize(100_000)
                        .expireAfterWrite(1, TimeUnit.HOURS)
                        .build();
    }

    public Revocation mode() {
        return mode;
    }

    public RevocationStatus check(X509Certificate cert, X509Certificate issuer) {
        if (mode == Revocation.OFF) {
            return new RevocationStatus.Good(
                    "not checked (certificates.revocation = off)", Optional.empty());
        }
        String key =
                issuer.getSubjectX500Principal().getName()
                        + "#"
                        + cert.getSerialNumber().toString(16);
        RevocationStatus cached = answers.getIfPresent(key);
        if (cached instanceof RevocationStatus.Revoked
                || cached instanceof RevocationStatus.Good g
                        && g.freshUntil().map(t -> t.isAfter(clock.instant())).orElse(false)) {
            return cached;
        }
        List<String> unknown = new ArrayList<>();
        for (URI responder : urls(cert, Extension.authorityInfoAccess)) {
            RevocationStatus s = remember(key, ocsp.status(responder, cert, issuer));
            if (!(s instanceof RevocationStatus.Unknown u)) {
                return s;
            }
            unknown.add(u.why());
        }
        for (URI point : urls(cert, Extension.cRLDistributionPoints)) {
            RevocationStatus s = remember(key, crl.status(point, cert, issuer));
            if (!(s instanceof RevocationStatus.Unknown u)) {
                return s;
            }
            unknown.add(u.why());
        }
        return new RevocationStatus.Unknown(
                unknown.isEmpty()
                        ? "the certificate names no OCSP responder and no CRL"
                        : String.join("; ", unknown));
    }

    private RevocationStatus remember(String key, RevocationStatus s) {
        if (s instanceof RevocationStatus.Revoked
                || s instanceof RevocationStatus.Good g && g.freshUntil().isPresent()) {
            answers.put(key, s);
        }
        return s;
    }

    /**
     * http(s) URLs from the AIA OCSP entries or the CRL distribution points; others (ldap:) are
     * skipped.
     */
    static List<URI> urls(
            X509Certificate cert, org.bouncycastle.asn1.ASN1ObjectIdentifier extension) {
        byte[] ext = cert.getExtensionValue(extension.getId());
        if (ext == null) {
            return List.of();
        }
        List<GeneralName> names = new ArrayList<>();
        try {
            byte[] value = ASN1OctetString.getInstance(ext).getOctets();
            if (extension.equals(Extension.authorityInfoAccess)) {
                for (AccessDescription d :
                        AuthorityInformationAccess.getInstance(value).getAccessDescriptions()) {
                    if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
                        names.add(d.getAccessLocation());
                    }
                }
            } else {
                for (DistributionPoint p :
                        CRLDistPoint.getInstance(value).getDistributionPoints()) {
                    if (p.getDistributionPoint() != null
                            && p.getDistributionPoint().getType() == 0) {
                        names.addAll(
                                List.of(
                                        GeneralNames.getInstance(p.getDistributionPoint().getName())
                                                .getNames()));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return List.of(); // unreadable extension: no URL to ask
        }
        List<URI> out = new ArrayList<>();
        for (GeneralName n : names) {
            if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
                String u = n.getName().toString();
                if (u.startsWith("http://") || u.startsWith("https://")) {
                    out.add(URI.create(u));
                }
            }
        }
        return out;
    }
}
