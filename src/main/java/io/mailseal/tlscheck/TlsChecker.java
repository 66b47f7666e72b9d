package io.mailseal.tlscheck;

import io.mailseal.certs.RevocationChecker;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Runs the six checks against one server: the protocol scan first (it also reads the chain and the
 * stapling answer), then host name, chain, revocation, expiry and, when asked, pins.
 */
public final class TlsChecker {
    private final RevocationChecker revocation;
    private final Clock clock;

    /**
     * @param revocation asks OCSP responders and CRL servers, each within its own deadline
     */
    public TlsChecker(RevocationChecker revocation, Clock clock) {
        this.revocation = revocation;
        this.clock = clock;
    }

    public TlsReport check(TlsCheckRequest r) throws TlsCheckException {
        Instant now = clock.instant();
        InetAddress address;
        ProtocolScan scan;
        List<X509Certificate> served;
        try {
            address =
                    r.ip().isPresent()
                            ? InetAddress.getByName(r.ip().get())
                            : Addresses.resolve(r.host(), r.timeout()).get(0);
            scan = ProtocolScan.run(address, r);
            if (scan.accepted().isEmpty()) {
                throw new IOException("no TLS handshake possible: " + scan.refused());
            }
            served = scan.chain().isEmpty() ? JdkHandshake.chain(address, r) : scan.chain();
        } catch (IOException e) {
            throw new TlsCheckException(r.target() + ": " + e.getMessage(), e);
        }
        Set<TrustAnchor> anchors = r.trust().orElseGet(TlsChecker::jdkAnchors);
        List<Finding> findings = new ArrayList<>();
        findings.add(HostnameCheck.check(served.get(0), r.serverName()));
        ChainCheck.Result chain = ChainCheck.check(served, anchors, now);
        findings.add(chain.finding());
        findings.add(RevocationCheck.check(chain.path(), scan.stapled(), revocation));
        List<X509Certificate> judged = ExpiryCheck.judged(chain.path(), chain.anchored());
        findings.add(ExpiryCheck.check(judged, now, r.warnDays()));
        findings.add(scan.finding());
        if (!r.pins().isEmpty() || !r.expectIps().isEmpty()) {
            findings.add(
                    PinCheck.check(chain.path(), r.pins(), r.host(), r.expectIps(), r.timeout()));
        }
        return new TlsReport(
                r.target(),
                r.serverName(),
                address.getHostAddress(),
                now,
                ExpiryCheck.firstEnd(judged),
                findings);
    }

    /** The JDK's trust store (cacerts, or what javax.net.ssl.trustStore names). */
    static Set<TrustAnchor> jdkAnchors() {
        try {
            TrustManagerFactory f =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            Set<TrustAnchor> out = new HashSet<>();
            for (var tm : f.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        out.add(new TrustAnchor(c, null));
                    }
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK trust store cannot be read", e);
        }
    }
}
