package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimePart;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Selector;

/** Verifies the S/MIME signature of one entity and the signer's chain. */
final class SignatureCheck {
    private static final Map<String, String> ALGORITHMS =
            Map.of(
                    "2.16.840.1.101.3.4.2.1", "SHA-256",
                    "1.2.840.113549.1.1.1", "RSA",
                    "1.2.840.113549.1.1.11", "SHA256withRSA",
                    "1.2.840.10045.4.3.2", "SHA256withECDSA",
                    "1.2.840.10045.2.1", "ECDSA");

    private final Set<TrustAnchor> anchors;
    private final Date when;

    SignatureCheck(Set<TrustAnchor> anchors, Date when) {
        this.anchors = anchors;
        this.when = when;
    }

    void check(MimePart entity, InspectionBuilder b, List<String> problems)
            throws MessagingException, IOException, CMSException {
        SMIMESigned signed = SealedMessageReader.signedOf(entity);
        if (signed == null) {
            problems.add("not signed");
            return;
        }
        b.signed = true;
        b.content = signed.getContent();
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            problems.add("expected one signer, found " + signers.size());
            return;
        }
        SignerInformation si = signers.iterator().next();
        b.digestAlgorithm = ALGORITHMS.getOrDefault(si.getDigestAlgOID(), si.getDigestAlgOID());
        b.signatureAlgorithm =
                ALGORITHMS.getOrDefault(si.getEncryptionAlgOID(), si.getEncryptionAlgOID());
        b.signatureValue = si.getSignature();
        readAttributes(si, b, problems);
        X509Certificate cert = signerCertificate(signed, si, problems);
        if (cert == null) {
            return;
        }
        b.signer = cert.getSubjectX500Principal().getName();
        b.signerEmail = email(cert);
        b.signatureValid = verifies(si, cert, problems);
        chain(cert, signed, b, problems);
    }

    /** Whether {@code si} verifies with {@code cert}; why not in {@code problems}. */
    static boolean verifies(SignerInformation si, X509Certificate cert, List<String> problems) {
        try {
            if (si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert))) {
                return true;
            }
            problems.add("signature does not verify: content or signature altered");
        } catch (CMSException | OperatorCreationException e) {
            problems.add("signature does not verify: " + e.getMessage());
        }
        return false;
    }

    private static void readAttributes(
            SignerInformation si, InspectionBuilder b, List<String> problems) {
        if (si.getSignedAttributes() != null) {
            Attribute t = si.getSignedAttributes().get(CMSAttributes.signingTime);
            if (t != null) {
                b.signingTime =
                        Time.getInstance(t.getAttrValues().getObjectAt(0)).getDate().toInstant();
            }
        }
        if (si.getUnsignedAttributes() != null) {
            Attribute ts =
                    si.getUnsignedAttributes()
                            .get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
            if (ts != null) {
                try {
                    b.timestamp =
                            new TimeStampToken(
                                    new CMSSignedData(
                                            ts.getAttrValues()
                                                    .getObjectAt(0)
                                                    .toASN1Primitive()
                                                    .getEncoded()));
                } catch (IOException | CMSException | org.bouncycastle.tsp.TSPException e) {
                    problems.add("timestamp token cannot be parsed: " + e.getMessage());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static X509Certificate signerCertificate(
            SMIMESigned signed, SignerInformation si, List<String> problems) {
        Collection<X509CertificateHolder> matches =
                signed.getCertificates()
                        .getMatches((Selector<X509CertificateHolder>) (Selector<?>) si.getSID());
        if (matches.isEmpty()) {
            problems.add("signer certificate not included");
            return null;
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
        } catch (java.security.cert.CertificateException e) {
            problems.add("signer certificate unreadable: " + e.getMessage());
            return null;
        }
    }

    private void chain(
            X509Certificate cert, SMIMESigned signed, InspectionBuilder b, List<String> problems) {
        if (anchors.isEmpty()) {
            problems.add("no trust anchors given: signer chain not checked");
            return;
        }
        try {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            List<X509Certificate> path = new ArrayList<>();
            path.add(cert);
            for (X509CertificateHolder h : signed.getCertificates().getMatches(null)) {
                X509Certificate c = conv.getCertificate(h);
                if (!c.equals(cert)
                        && c.getBasicConstraints() >= 0
                        && anchors.stream().noneMatch(a -> c.equals(a.getTrustedCert()))) {
                    path.add(c);
                }
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(when);
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            b.chainValid = true;
        } catch (GeneralSecurityException e) {
            problems.add("signer not trusted: " + e.getMessage());
        }
    }

    private static String email(X509Certificate cert) {
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(1).equals(san.get(0))) {
                        return (String) san.get(1);
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return "";
        }
        return "";
    }
}
