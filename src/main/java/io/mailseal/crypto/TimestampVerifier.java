package io.mailseal.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TSPUtil;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Selector;

/**
 * Checks an RFC 3161 token the way a court expert would: the token's signature, the TSA
 * certificate's critical timeStamping EKU (RFC 3161 §2.3), its chain to the configured
 * TSA anchors at genTime, and that the imprint is the SHA-256 of what we asked to stamp.
 */
public final class TimestampVerifier {
    private final Set<TrustAnchor> anchors;
    /** TSA certificate paths that passed PKIX: one full validation per TSA certificate, not per token. */
    private final Set<List<X509Certificate>> validatedPaths = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public TimestampVerifier(Set<TrustAnchor> anchors) {
        this.anchors = Set.copyOf(anchors);
    }

    /** Throws with the reason when the token does not prove the time of {@code stampedData}. */
    public X509Certificate verify(TimeStampToken token, byte[] stampedData) throws TSPException {
        try {
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(stampedData);
            if (!Arrays.equals(expected, token.getTimeStampInfo().getMessageImprintDigest())) {
                throw new TSPException("token imprint does not cover the signature");
            }
            X509CertificateHolder holder = tsaCertificate(token);
            TSPUtil.validateCertificate(holder);
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(holder));
            X509Certificate tsa = new JcaX509CertificateConverter().getCertificate(holder);
            validateChain(tsa, token);
            return tsa;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new TSPException("timestamp token not verifiable: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static X509CertificateHolder tsaCertificate(TimeStampToken token) throws TSPException {
        Collection<X509CertificateHolder> matches = token.getCertificates()
                .getMatches((Selector<X509CertificateHolder>) (Selector<?>) token.getSID());
        if (matches.isEmpty()) {
            throw new TSPException("token carries no TSA certificate (certReq was set)");
        }
        return matches.iterator().next();
    }

    private void validateChain(X509Certificate tsa, TimeStampToken token) throws GeneralSecurityException, TSPException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> path = new ArrayList<>();
        path.add(tsa);
        for (X509CertificateHolder h : token.getCertificates().getMatches(null)) {
            X509Certificate c = converter.getCertificate(h);
            if (!c.equals(tsa) && !isAnchor(c)) {
                path.add(c);
            }
        }
        java.util.Date genTime = token.getTimeStampInfo().getGenTime();
        if (validatedPaths.contains(path)) {
            // the same path passed PKIX before; without revocation checking only the dates can differ
            for (X509Certificate c : path) {
                try {
                    c.checkValidity(genTime);
                } catch (java.security.cert.CertificateException e) {
                    throw new TSPException("TSA certificate chain not valid at genTime: " + e.getMessage());
                }
            }
            return;
        }
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        params.setDate(genTime);
        try {
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (java.security.cert.CertPathValidatorException e) {
            throw new TSPException("TSA certificate does not chain to timestamp.trust-anchors: " + e.getMessage());
        }
        if (validatedPaths.size() > 64) {
            validatedPaths.clear(); // a handful of TSAs and their renewals; never grows without bound
        }
        validatedPaths.add(List.copyOf(path));
    }

    private boolean isAnchor(X509Certificate c) {
        return anchors.stream().anyMatch(a -> c.equals(a.getTrustedCert()));
    }
}
