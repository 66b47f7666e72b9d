package io.mailseal.certs;

import io.mailseal.net.BoundedBody;
import io.mailseal.net.CircuitBreaker;
import io.mailseal.net.HttpDeadline;
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
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * RFC 6960 over HTTP POST: one request per certificate with a fresh nonce (RFC 8954); the response
 * must be signed by the certificate its ResponderID names — the issuer itself, or a responder
 * certificate the issuer gave id-kp-OCSPSigning (§4.2.2.2) —, echo our nonce when it carries one,
 * and be fresh: thisUpdate not in the future, nextUpdate not passed (5 minutes' skew allowed). The
 * whole exchange, body included, is bounded by the timeout; a responder that does not answer opens
 * its circuit.
 */
final class OcspClient {
    static final Duration SKEW = Duration.ofMinutes(5);

    /** An OCSP response is a few KB; more is not an answer but an attack on memory. */
    private static final int MAX_RESPONSE = 64 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final SecureRandom random = new SecureRandom();

    OcspClient(HttpClient http, Duration timeout, Clock clock, CircuitBreaker breaker) {
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
        this.breaker = breaker;
    }

    RevocationStatus status(URI responder, X509Certificate cert, X509Certificate issuer) {
        try {
            CertificateID id =
                    new CertificateID(
                            new JcaDigestCalculatorProviderBuilder()
                                    .build()
                                    .get(CertificateID.HASH_SHA1),
                            new JcaX509CertificateHolder(issuer),
                            cert.getSerialNumber());
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            OCSPReqBuilder req = new OCSPReqBuilder().addRequest(id);
            req.setRequestExtensions(
                    new Extensions(
                            Extension.create(
                                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                                    false,
                                    new DEROctetString(nonce))));
            HttpRequest post =
                    HttpRequest.newBuilder(responder)
                            .timeout(timeout)
                            .header("Content-Type", "application/ocsp-request")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(req.build().getEncoded()))
                            .build();
            HttpResponse<byte[]> r =
                    breaker.call(
                            responder,
                            () ->
                                    HttpDeadline.send(
                                            http,
                                            post,
                                            info -> new BoundedBody(MAX_RESPONSE),
                                            timeout));
            if (r.statusCode() != 200) {
                return new RevocationStatus.Unknown(
                        "OCSP " + responder + " answered HTTP " + r.statusCode());
            }
            return interpret(new OCSPResp(r.body()), id, nonce, issuer, responder);
        } catch (IOException
                | OCSPException
                | OperatorCreationException
                | GeneralSecurityException
                | RuntimeException e) {
            return new RevocationStatus.Unknown(
                    "OCSP " + responder + ": " + HttpDeadline.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RevocationStatus.Unknown("OCSP " + responder + ": interrupted");
        }
    }

    /**
     * The nonce extension's value is the DER of an OCTET STRING holding the nonce (RFC 8954 §2.1).
     */
    private RevocationStatus interpret(
            OCSPResp resp, CertificateID id, byte[] nonce, X509Certificate issuer, URI responder)
            throws OCSPException, OperatorCreationException, GeneralSecurityException, IOException {
        if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
            return new RevocationStatus.Unknown(
                    "OCSP " + responder + " response status " + resp.getStatus());
        }
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        X509Certificate signer;
        try {
            signer = signer(basic, issuer);
        } catch (Unauthorised e) {
            return new RevocationStatus.Unknown("OCSP " + responder + ": " + e.getMessage());
        }
        if (!basic.isSignatureValid(
                new JcaContentVerifierProviderBuilder().build(signer.getPublicKey()))) {
            return new RevocationStatus.Unknown(
                    "OCSP "
                            + responder
                            + ": response signature does not verify with "
                            + "the key its ResponderID names");
        }
        Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (echoed != null
                && !java.util.Arrays.equals(
                        echoed.getExtnValue().getOctets(),
                        new DEROctetString(nonce).getEncoded())) {
            return new RevocationStatus.Unknown(
                    "OCSP " + responder + ": nonce does not match (replayed response?)");
        }
        Instant now = clock.instant();
        for (SingleResp single : basic.getResponses()) {
            if (!single.getCertID().equals(id)) {
                continue;
            }
            if (single.getThisUpdate().toInstant().isAfter(now.plus(SKEW))) {
                return new RevocationStatus.Unknown(
                        "OCSP " + responder + ": response from the future");
            }
            Optional<Instant> next =
                    Optional.ofNullable(single.getNextUpdate()).map(java.util.Date::toInstant);
            if (next.isEmpty() && single.getThisUpdate().toInstant().isBefore(now.minus(SKEW))) {
                // without nextUpdate only a just-made answer is current (RFC 6960 §4.2.2.1): an old
                // one may be replayed
                return new RevocationStatus.Unknown(
                        "OCSP "
                                + responder
                                + ": no nextUpdate and thisUpdate "
                                + single.getThisUpdate().toInstant()
                                + " is not recent");
            }
            if (next.isPresent() && next.get().isBefore(now.minus(SKEW))) {
                return new RevocationStatus.Unknown(
                        "OCSP " + responder + ": stale response (nextUpdate " + next.get() + ")");
            }
            CertificateStatus status = single.getCertStatus();
            if (status == CertificateStatus.GOOD) {
                return new RevocationStatus.Good("OCSP " + responder, next);
            }
            if (status instanceof RevokedStatus revoked) {
                return new RevocationStatus.Revoked(
                        "revoked on "
                                + revoked.getRevocationTime().toInstant()
                                + " (OCSP "
                                + responder
                                + ")");
            }
            return new RevocationStatus.Unknown(
                    "OCSP " + responder + ": the responder does not know the certificate");
        }
        return new RevocationStatus.Unknown(
                "OCSP " + responder + ": no answer for the certificate asked about");
    }

    /** Why a response's signer is not one the issuer authorised: no answer, never "good". */
    private static final class Unauthorised extends Exception {
        private static final long serialVersionUID = 1L;

        Unauthorised(String why) {
            super(why);
        }
    }

    /**
     * The certificate the response's ResponderID names (RFC 6960 §4.2.2.3, byName or byKey): the
     * issuer itself, or a responder certificate sent in the response that the issuer signed and
     * gave id-kp-OCSPSigning (§4.2.2.2).
     */
    private X509Certificate signer(BasicOCSPResp basic, X509Certificate issuer)
            throws Unauthorised,
                    GeneralSecurityException,
                    OCSPException,
                    OperatorCreationException {
        RespID named = basic.getResponderId();
        if (names(named, issuer)) {
            return issuer;
        }
        for (X509CertificateHolder h : basic.getCerts()) {
            X509Certificate c = new JcaX509CertificateConverter().getCertificate(h);
            if (names(named, c)) {
                return authorised(c, issuer);
            }
        }
        throw new Unauthorised(
                "neither the issuer nor a certificate in the response is the one its ResponderID "
                        + "names");
    }

    private static boolean names(RespID id, X509Certificate c)
            throws GeneralSecurityException, OCSPException, OperatorCreationException {
        JcaX509CertificateHolder holder = new JcaX509CertificateHolder(c);
        return id.equals(new RespID(holder.getSubject()))
                || id.equals(
                        new RespID(
                                holder.getSubjectPublicKeyInfo(),
                                new JcaDigestCalculatorProviderBuilder()
                                        .build()
                                        .get(CertificateID.HASH_SHA1)));
    }

    private X509Certificate authorised(X509Certificate responder, X509Certificate issuer)
            throws Unauthorised, GeneralSecurityException {
        if (!responder.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new Unauthorised(
                    "the responder certificate is not issued by the certificate's issuer");
        }
        try {
            responder.verify(issuer.getPublicKey());
        } catch (java.security.SignatureException | java.security.InvalidKeyException e) {
            throw new Unauthorised("the responder certificate is not signed by the issuer's key");
        }
        if (responder.getExtendedKeyUsage() == null
                || !responder
                        .getExtendedKeyUsage()
                        .contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
            throw new Unauthorised("the responder certificate lacks id-kp-OCSPSigning");
        }
        try {
            responder.checkValidity(java.util.Date.from(clock.instant()));
        } catch (java.security.cert.CertificateException e) {
            throw new Unauthorised("the responder certificate is not valid now");
        }
        return responder;
    }
}
