package io.mailseal.certs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * RFC 6960 over HTTP POST: one request per certificate with a fresh nonce (RFC 8954);
 * the response must be signed by the issuer itself or by a responder certificate the
 * issuer gave id-kp-OCSPSigning (§4.2.2.2), echo our nonce when it carries one, and be
 * fresh: thisUpdate not in the future, nextUpdate not passed (5 minutes' skew allowed).
 */
final class OcspClient {
    static final Duration SKEW = Duration.ofMinutes(5);
    /** An OCSP response is a few KB; more is not an answer but an attack on memory. */
    private static final int MAX_RESPONSE = 64 * 1024;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    OcspClient(HttpClient http, Duration timeout, Clock clock) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    RevocationStatus status(URI responder, X509Certificate cert, X509Certificate issuer) {
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
                    .get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer), cert.getSerialNumber());
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            OCSPReqBuilder req = new OCSPReqBuilder().addRequest(id);
            req.setRequestExtensions(new Extensions(Extension.create(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(nonce))));
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(responder).timeout(timeout)
                    .header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(req.build().getEncoded())).build(),
                    info -> new BoundedBody(MAX_RESPONSE));
            if (r.statusCode() != 200) {
                return new RevocationStatus.Unknown("OCSP " + responder + " answered HTTP " + r.statusCode());
            }
            return interpret(new OCSPResp(r.body()), id, nonce, issuer, responder);
        } catch (IOException | OCSPException | OperatorCreationException | GeneralSecurityException
                 | RuntimeException e) {
            return new RevocationStatus.Unknown("OCSP " + responder + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RevocationStatus.Unknown("OCSP " + responder + ": interrupted");
        }
    }

    /** The nonce extension's value is the DER of an OCTET STRING holding the nonce (RFC 8954 §2.1). */
    private RevocationStatus interpret(OCSPResp resp, CertificateID id, byte[] nonce, X509Certificate issuer,
                                       URI responder) throws OCSPException, OperatorCreationException,
            GeneralSecurityException, IOException {
        if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
            return new RevocationStatus.Unknown("OCSP " + responder + " response status " + resp.getStatus());
        }
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        Optional<X509Certificate> signer = signer(basic, issuer);
        if (signer.isEmpty() || !basic.isSignatureValid(new JcaContentVerifierProviderBuilder()
                .build(signer.get().getPublicKey()))) {
            return new RevocationStatus.Unknown("OCSP " + responder + ": response not signed by the issuer or "
                    + "a responder it authorised");
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (echoed != null && !java.util.Arrays.equals(echoed.getExtnValue().getOctets(),
                new DEROctetString(nonce).getEncoded())) {
            return new RevocationStatus.Unknown("OCSP " + responder + ": nonce does not match (replayed response?)");
        }
        Instant now = clock.instant();
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().equals(id)) {
                continue;
            }
            if (single.getThisUpdate().toInstant().isAfter(now.plus(SKEW))) {
                return new RevocationStatus.Unknown("OCSP " + responder + ": response from the future");
            }
            Optional<Instant> next = Optional.ofNullable(single.getNextUpdate()).map(java.util.Date::toInstant);
            if (next.isEmpty() && single.getThisUpdate().toInstant().isBefore(now.minus(SKEW))) {
                // without nextUpdate only a just-made answer is current (RFC 6960 §4.2.2.1): an old one may be replayed
                return new RevocationStatus.Unknown("OCSP " + responder + ": no nextUpdate and thisUpdate "
                        + single.getThisUpdate().toInstant() + " is not recent");
            }
            if (next.isPresent() && next.get().isBefore(now.minus(SKEW))) {
                return new RevocationStatus.Unknown("OCSP " + responder + ": stale response (nextUpdate "
                        + next.get() + ")");
            }
            CertificateStatus status = single.getCertStatus();
            if (status == CertificateStatus.GOOD) {
                return new RevocationStatus.Good("OCSP " + responder, next);
            }
            if (status instanceof RevokedStatus revoked) {
                return new RevocationStatus.Revoked("revoked on " + revoked.getRevocationTime().toInstant()
                        + " (OCSP " + responder + ")");
            }
            return new RevocationStatus.Unknown("OCSP " + responder + ": the responder does not know the certificate");
        }
        return new RevocationStatus.Unknown("OCSP " + responder + ": no answer for the certificate asked about");
    }

    /** The issuer, or a delegated responder certificate the issuer signed for OCSP signing (RFC 6960 §4.2.2.2). */
    private Optional<X509Certificate> signer(BasicOCSPResp basic, X509Certificate issuer) throws IOException {
        X509CertificateHolder issuerHolder;
        try {
            issuerHolder = new JcaX509CertificateHolder(issuer);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        if (basic.getResponderId().equals(new org.bouncycastle.cert.ocsp.RespID(issuerHolder.getSubject()))) {
            return Optional.of(issuer);
        }
        for (X509CertificateHolder h : basic.getCerts()) {
            try {
                X509Certificate c = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(h);
                if (c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                        && c.getExtendedKeyUsage() != null
                        && c.getExtendedKeyUsage().contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
                    c.verify(issuer.getPublicKey());
                    c.checkValidity(java.util.Date.from(clock.instant()));
                    return Optional.of(c);
                }
            } catch (GeneralSecurityException e) {
                // not a responder this issuer authorised: look further
            }
        }
        if (issuerKeyMatches(basic, issuer)) {
            return Optional.of(issuer);
        }
        return Optional.empty();
    }

    /** A responder id given by key hash (RFC 6960 §4.2.1, byKey) that is the issuer's own key. */
    private static boolean issuerKeyMatches(BasicOCSPResp basic, X509Certificate issuer) {
        try {
            return basic.getResponderId().equals(new org.bouncycastle.cert.ocsp.RespID(
                    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(issuer.getPublicKey().getEncoded()),
                    new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1)));
        } catch (OperatorCreationException | OCSPException e) {
            return false;
        }
    }
}
