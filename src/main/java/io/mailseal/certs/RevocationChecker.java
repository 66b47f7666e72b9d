package io.mailseal.certs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mailseal.config.CertificatesConfig.Revocation;
import io.mailseal.net.CircuitBreaker;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
    private final CircuitBreaker breaker;

    /** With a circuit breaker of its own, told nobody. */
    public RevocationChecker(Revocation mode, Duration timeout, Clock clock) {
        this(mode, timeout, clock, new CircuitBreaker(clock, (url, backoff) -> {}));
    }

    /**
     * @param timeout the deadline of one request to a responder or CRL server, body included
     * @param breaker skips a responder or CRL server that did not answer, for its back-off
     */
    public RevocationChecker(
            Revocation mode, Duration timeout, Clock clock, CircuitBreaker breaker) {
        this.mode = mode;
        this.clock = clock;
        this.breaker = breaker;
        // HTTP/1.1: OCSP responders and CRL servers are small HTTP servers; an h2c upgrade offer
        // leaves some (openssl ocsp among them) waiting for a request that never comes
        HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        this.ocsp = new OcspClient(http, timeout, clock, breaker);
        this.crl = new CrlClient(http, timeout, clock, breaker);
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
        Optional<RevocationStatus> answer =
                ask(
                                "OCSP",
                                urls(cert, Extension.authorityInfoAccess),
                                unknown,
                                key,
                                u -> ocsp.status(u, cert, issuer))
                        .or(
                                () ->
                                        ask(
                                                "CRL",
                                                urls(cert, Extension.cRLDistributionPoints),
                                                unknown,
                                                key,
                                                u -> crl.status(u, cert, issuer)));
        return answer.orElseGet(
                () ->
                        new RevocationStatus.Unknown(
                                unknown.isEmpty()
                                        ? "the certificate names no OCSP responder and no CRL"
                                        : String.join("; ", unknown)));
    }

    /**
     * The first answer (good or revoked) from {@code urls} in order, skipping those whose circuit
     * is open; why each gave none goes to {@code unknown}.
     */
    private Optional<RevocationStatus> ask(
            String kind,
            List<URI> urls,
            List<String> unknown,
            String key,
            Function<URI, RevocationStatus> status) {
        for (URI url : urls) {
            if (!breaker.allows(url)) {
                unknown.add(kind + " " + url + ": not asked, it failed recently (circuit open)");
                continue;
            }
            RevocationStatus s = remember(key, status.apply(url));
            if (!(s instanceof RevocationStatus.Unknown u)) {
                return Optional.of(s);
            }
            unknown.add(u.why());
        }
        return Optional.empty();
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
