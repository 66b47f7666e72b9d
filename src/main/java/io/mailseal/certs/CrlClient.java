package io.mailseal.certs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.mailseal.net.BoundedBody;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.net.HttpDeadline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * CRLs (RFC 5280 §5) fetched over HTTP from a certificate's distribution point, checked (issuer
 * name, signature by the issuer's key, nextUpdate not passed) and kept until their nextUpdate, so
 * one download answers for every customer of that CA. Only complete CRLs are used: a delta CRL
 * served at a distribution point is refused, and delta CRLs named by freshestCRL are not fetched —
 * a revocation published only in a delta is seen through OCSP (asked first) or in the next complete
 * CRL. The download, body included, is bounded by the timeout; a server that does not answer opens
 * its circuit.
 */
final class CrlClient {
    /** Index of cRLSign in {@link X509Certificate#getKeyUsage()}. */
    private static final int CRL_SIGN = 6;

    /** Large CAs publish CRLs of several MB; beyond this it is refused, not buffered. */
    private static final int MAX_CRL = 16 * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final Cache<URI, X509CRLHolder> crls;
    private final CircuitBreaker breaker;

    CrlClient(HttpClient http, Duration timeout, Clock clock, CircuitBreaker breaker) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
        this.breaker = breaker;
        this.crls = Caffeine.newBuilder().maximumSize(1000).expireAfter(untilNextUpdate()).build();
    }

    RevocationStatus status(URI url, X509Certificate cert, X509Certificate issuer) {
        X509CRLHolder crl = crls.getIfPresent(url);
        try {
            if (crl == null || stale(crl)) {
                crl = fetch(url, issuer);
                crls.put(url, crl);
            }
        } catch (IOException e) {
            return new RevocationStatus.Unknown("CRL " + url + ": " + HttpDeadline.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RevocationStatus.Unknown("CRL " + url + ": interrupted");
        }
        if (crl.getRevokedCertificate(cert.getSerialNumber()) != null) {
            return new RevocationStatus.Revoked(
                    "revoked on "
                            + crl.getRevokedCertificate(cert.getSerialNumber())
                                    .getRevocationDate()
                                    .toInstant()
                            + " (CRL "
                            + url
                            + ")");
        }
        return new RevocationStatus.Good(
                "CRL " + url, java.util.Optional.of(crl.getNextUpdate().toInstant()));
    }

    private X509CRLHolder fetch(URI url, X509Certificate issuer)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> r =
                breaker.call(
                        url,
                        () ->
                                HttpDeadline.send(
                                        http,
                                        HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                                        info -> new BoundedBody(MAX_CRL),
                                        timeout));
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode());
        }
        X509CRLHolder crl;
        try {
            crl = new X509CRLHolder(r.body());
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a DER CRL");
        }
        if (!crl.getIssuer()
                .equals(X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()))) {
            throw new IOException(
                    "issued by " + crl.getIssuer() + ", not by the certificate's issuer");
        }
        boolean[] usage = issuer.getKeyUsage();
        if (usage != null && !usage[CRL_SIGN]) {
            throw new IOException("the issuer's keyUsage lacks cRLSign (RFC 5280 §4.2.1.3)");
        }
        org.bouncycastle.asn1.x509.Extension idp =
                crl.getExtension(org.bouncycastle.asn1.x509.Extension.issuingDistributionPoint);
        if (idp != null) {
            org.bouncycastle.asn1.x509.IssuingDistributionPoint scope =
                    org.bouncycastle.asn1.x509.IssuingDistributionPoint.getInstance(
                            idp.getParsedValue());
            if (scope.isIndirectCRL()
                    || scope.onlyContainsCACerts()
                    || scope.onlyContainsAttributeCerts()
                    || scope.getOnlySomeReasons() != null) {
                throw new IOException(
                        "not a complete CRL for end-entity certificates (issuingDistributionPoint)");
            }
        }
        if (crl.getExtension(org.bouncycastle.asn1.x509.Extension.deltaCRLIndicator) != null) {
            // what a delta CRL does not list may still be revoked in its base (RFC 5280 §5.2.4)
            throw new IOException(
                    "a delta CRL, which is not used: only a complete CRL can say good");
        }
        for (Object oid : crl.getCriticalExtensionOIDs()) {
            if (!org.bouncycastle.asn1.x509.Extension.issuingDistributionPoint.equals(oid)) {
                throw new IOException(
                        "critical extension " + oid + " not understood (RFC 5280 §5.2)");
            }
        }
        try {
            if (!crl.isSignatureValid(
                    new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
                throw new IOException("signature does not verify with the issuer's key");
            }
        } catch (org.bouncycastle.operator.OperatorCreationException
                | org.bouncycastle.cert.CertException e) {
            throw new IOException("signature cannot be checked: " + e.getMessage());
        }
        if (crl.getNextUpdate() == null || stale(crl)) {
            throw new IOException(
                    "stale (nextUpdate "
                            + (crl.getNextUpdate() == null
                                    ? "missing"
                                    : crl.getNextUpdate().toInstant())
                            + ")");
        }
        return crl;
    }

    private boolean stale(X509CRLHolder crl) {
        return crl.getNextUpdate().toInstant().isBefore(clock.instant().minus(OcspClient.SKEW));
    }

    private Expiry<URI, X509CRLHolder> untilNextUpdate() {
        return new Expiry<>() {
            private long left(X509CRLHolder crl) {
                return Math.max(
                        0,
                        Duration.between(clock.instant(), crl.getNextUpdate().toInstant())
                                .toNanos());
            }

            @Override
            public long expireAfterCreate(URI key, X509CRLHolder crl, long now) {
                return left(crl);
            }

            @Override
            public long expireAfterUpdate(URI key, X509CRLHolder crl, long now, long current) {
                return left(crl);
            }

            @Override
            public long expireAfterRead(URI key, X509CRLHolder crl, long now, long current) {
                return current;
            }
        };
    }
}
