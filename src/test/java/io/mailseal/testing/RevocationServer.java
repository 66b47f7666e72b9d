package io.mailseal.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mailseal.demo.DemoPki;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An OCSP responder (BouncyCastle) and a CRL distribution point behind the JDK's HTTP server on
 * loopback, for tests: what it answers, and how it misbehaves (stale, unsigned by the right key,
 * wrong nonce, down), is set by the test. Counts requests.
 */
public final class RevocationServer implements AutoCloseable {
    public enum Nonce {
        ECHO,
        OMIT,
        WRONG
    }

    private final HttpServer server;
    private final Clock clock;
    private final Map<BigInteger, Instant> revoked = new ConcurrentHashMap<>();
    private final java.util.Set<BigInteger> unknown = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ocspRequests = new AtomicInteger();
    private final AtomicInteger crlRequests = new AtomicInteger();
    private volatile DemoPki.Issued signer;
    private volatile List<X509Certificate> included;
    private volatile Duration age = Duration.ZERO;
    private volatile Duration validity = Duration.ofMinutes(5);
    private volatile Nonce nonce = Nonce.ECHO;
    private volatile boolean ocspDown;
    private volatile boolean byKey;
    private volatile byte[] crl;

    /** Answers signed by {@code signer}, which is sent along in the response. */
    public RevocationServer(Clock clock, DemoPki.Issued signer) throws IOException {
        this.clock = clock;
        signedBy(signer);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext(
                "/ocsp", ex -> answer(ex, ocspRequests, () -> ocspDown ? null : ocsp(ex)));
        server.createContext("/ca.crl", ex -> answer(ex, crlRequests, () -> crl));
        server.start();
    }

    public URI ocspUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ocsp");
    }

    public URI crlUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ca.crl");
    }

    /** Answers signed by {@code s}, which is sent along in the response after {@code others}. */
    public RevocationServer signedBy(DemoPki.Issued s, X509Certificate... others) {
        List<X509Certificate> certs = new java.util.ArrayList<>(List.of(others));
        certs.add(s.certificate());
        this.signer = s;
        this.included = List.copyOf(certs);
        return this;
    }

    /** The signer's own certificate is left out of the response: only the others are sent. */
    public void withoutSignerCertificate() {
        this.included = included.subList(0, included.size() - 1);
    }

    /**
     * The ResponderID names the signer by the SHA-1 of its public key (RFC 6960 §4.2.1 byKey), not
     * by name.
     */
    public void responderIdByKey(boolean byKey) {
        this.byKey = byKey;
    }

    public void revoke(X509Certificate c) {
        revoked.put(c.getSerialNumber(), clock.instant().minus(Duration.ofDays(1)));
    }

    /** The responder answers "unknown" for this certificate (RFC 6960 §2.2). */
    public void unknown(X509Certificate c) {
        unknown.add(c.getSerialNumber());
    }

    /**
     * thisUpdate is {@code age} before now; nextUpdate {@code validity} after thisUpdate (null:
     * none).
     */
    public void timing(Duration age, Duration validity) {
        this.age = age;
        this.validity = validity;
    }

    public void nonce(Nonce n) {
        this.nonce = n;
    }

    /** 503 to every OCSP request. */
    public void ocspDown(boolean down) {
        this.ocspDown = down;
    }

    /** What /ca.crl serves; null: 404. */
    public void crl(byte[] der) {
        this.crl = der;
    }

    public int ocspRequests() {
        return ocspRequests.get();
    }

    public int crlRequests() {
        return crlRequests.get();
    }

    private interface Body {
        byte[] make() throws Exception;
    }

    private static void answer(HttpExchange ex, AtomicInteger counter, Body body)
            throws IOException {
        try (ex) {
            counter.incrementAndGet();
            byte[] b;
            try {
                b = body.make();
            } catch (Exception e) {
                throw new IOException(e);
            }
            if (b == null) {
                ex.sendResponseHeaders(503, -1);
                return;
            }
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    private byte[] ocsp(HttpExchange ex) throws Exception {
        OCSPReq req = new OCSPReq(ex.getRequestBody().readAllBytes());
        X509CertificateHolder signerCert = new JcaX509CertificateHolder(signer.certificate());
        BasicOCSPRespBuilder b =
                new BasicOCSPRespBuilder(
                        byKey
                                ? new RespID(
                                        signerCert.getSubjectPublicKeyInfo(),
                                        new JcaDigestCalculatorProviderBuilder()
                                                .build()
                                                .get(CertificateID.HASH_SHA1))
                                : new RespID(signerCert.getSubject()));
        Instant thisUpdate = clock.instant().minus(age);
        for (Req r : req.getRequestList()) {
            BigInteger serial = r.getCertID().getSerialNumber();
            Instant when = revoked.get(serial);
            CertificateStatus status =
                    unknown.contains(serial)
                            ? new UnknownStatus()
                            : when == null
                                    ? CertificateStatus.GOOD
                                    : new RevokedStatus(Date.from(when), CRLReason.keyCompromise);
            b.addResponse(
                    r.getCertID(),
                    status,
                    Date.from(thisUpdate),
                    validity == null ? null : Date.from(thisUpdate.plus(validity)),
                    null);
        }
        Extension asked = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (asked != null && nonce != Nonce.OMIT) {
            b.setResponseExtensions(
                    new Extensions(
                            nonce == Nonce.ECHO
                                    ? asked
                                    : new Extension(
                                            OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                                            false,
                                            new DEROctetString(new byte[] {1, 2, 3})
                                                    .getEncoded())));
        }
        X509CertificateHolder[] chain = new X509CertificateHolder[included.size()];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = new JcaX509CertificateHolder(included.get(i));
        }
        return new OCSPRespBuilder()
                .build(
                        OCSPRespBuilder.SUCCESSFUL,
                        b.build(DemoPki.signer(signer.key()), chain, Date.from(clock.instant())))
                .getEncoded();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
