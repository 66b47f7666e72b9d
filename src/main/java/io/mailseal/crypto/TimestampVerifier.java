package io.mailseal.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TSPUtil;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Selector;

/**
 * Checks an RFC 3161 token the way a court expert would: the token's signature, the TSA
 * certificate's critical timeStamping EKU (RFC 3161 §2.3), its chain to the configured TSA anchors
 * at genTime, that the imprint is the SHA-256 of what we asked to stamp, and that genTime is not
 * more than {@link #MAX_FUTURE_SKEW} ahead of our clock: a TSA whose clock runs ahead (or a forged
 * time) would date the bank's mail later than it was sent, and the time is what the token is for.
 *
 * <p>A TSA signs thousands of tokens with one certificate: what depends on the certificates only
 * (parsing, the EKU check, the signature verifier, the PKIX path) is worked out once per set of
 * certificates a token carries; every token still gets its imprint, its signature and the validity
 * of each certificate at its genTime checked.
 */
public final class TimestampVerifier {
    private static final int MAX_KNOWN_TSAS = 64;

    /**
     * How far a token's genTime may be ahead of our clock: NTP-synchronised clocks agree closer.
     */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(2);

    private final Set<TrustAnchor> anchors;
    private final Clock clock;
    private final Map<List<X509CertificateHolder>, TsaPath> knownPaths = new ConcurrentHashMap<>();

    /** A TSA certificate whose path passed PKIX once, with a verifier for its signatures. */
    private record TsaPath(
            X509Certificate tsa, List<X509Certificate> path, SignerInformationVerifier verifier) {}

    public TimestampVerifier(Set<TrustAnchor> anchors) {
        this(anchors, Clock.systemUTC());
    }

    /** {@code clock}: the now that genTime is checked against. */
    public TimestampVerifier(Set<TrustAnchor> anchors, Clock clock) {
        this.anchors = Set.copyOf(anchors);
        this.clock = clock;
    }

    /** Throws with the reason when the token does not prove the time of {@code stampedData}. */
    public X509Certificate verify(TimeStampToken token, byte[] stampedData) throws TSPException {
        try {
            return verifyImprint(token, MessageDigest.getInstance("SHA-256").digest(stampedData));
        } catch (GeneralSecurityException e) {
            throw new TSPException("timestamp token not verifiable: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #verify}, given the SHA-256 of what was stamped (the evidence journal keeps the
     * hash of a signature, not the signature).
     */
    public X509Certificate verifyImprint(TimeStampToken token, byte[] sha256) throws TSPException {
        try {
            if (!Arrays.equals(sha256, token.getTimeStampInfo().getMessageImprintDigest())) {
                throw new TSPException("token imprint is not the SHA-256 of what was stamped");
            }
            Date genTime = token.getTimeStampInfo().getGenTime();
            TsaPath known = tsaPath(token, genTime);
            token.validate(known.verifier());
            for (X509Certificate c : known.path()) {
                c.checkValidity(genTime);
            }
            Instant latest = clock.instant().plus(MAX_FUTURE_SKEW);
            if (genTime.toInstant().isAfter(latest)) {
                throw new TSPException(
                        "token genTime "
                                + genTime.toInstant()
                                + " is more than "
                                + MAX_FUTURE_SKEW.toMinutes()
                                + " minutes ahead of our clock");
            }
            return known.tsa();
        } catch (CertificateException e) {
            throw new TSPException(
                    "TSA certificate chain not valid at genTime: " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new TSPException("timestamp token not verifiable: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private TsaPath tsaPath(TimeStampToken token, Date genTime)
            throws TSPException, GeneralSecurityException, OperatorCreationException {
        Collection<X509CertificateHolder> matches =
                token.getCertificates()
                        .getMatches((Selector<X509CertificateHolder>) (Selector<?>) token.getSID());
        if (matches.isEmpty()) {
            throw new TSPException("token carries no TSA certificate (certReq was set)");
        }
        X509CertificateHolder holder = matches.iterator().next();
        List<X509CertificateHolder> key = new ArrayList<>();
        key.add(holder);
        key.addAll(token.getCertificates().getMatches(null));
        TsaPath known = knownPaths.get(key);
        if (known != null) {
            return known;
        }
        TSPUtil.validateCertificate(holder);
        TsaPath path = validatedPath(holder, key, genTime);
        if (knownPaths.size() >= MAX_KNOWN_TSAS) {
            knownPaths.clear(); // a handful of TSAs and their renewals; never grows without bound
        }
        knownPaths.put(List.copyOf(key), path);
        return path;
    }

    private TsaPath validatedPath(
            X509CertificateHolder holder, List<X509CertificateHolder> carried, Date genTime)
            throws GeneralSecurityException, OperatorCreationException, TSPException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        X509Certificate tsa = converter.getCertificate(holder);
        List<X509Certificate> path = new ArrayList<>();
        path.add(tsa);
        for (X509CertificateHolder h : carried.subList(1, carried.size())) {
            X509Certificate c = converter.getCertificate(h);
            if (!c.equals(tsa) && !isAnchor(c)) {
                path.add(c);
            }
        }
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        params.setDate(genTime);
        try {
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (java.security.cert.CertPathValidatorException e) {
            throw new TSPException(
                    "TSA certificate does not chain to timestamp.trust-anchors: " + e.getMessage());
        }
        return new TsaPath(
                tsa, List.copyOf(path), new JcaSimpleSignerInfoVerifierBuilder().build(holder));
    }

    private boolean isAnchor(X509Certificate c) {
        return anchors.stream().anyMatch(a -> c.equals(a.getTrustedCert()));
    }
}
