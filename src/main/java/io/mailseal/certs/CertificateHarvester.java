package io.mailseal.certs;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.smime.SMIMEAttributes;
import org.bouncycastle.asn1.smime.SMIMECapabilities;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.selector.X509CertificateHolderSelector;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMESigned;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Selector;
import org.bouncycastle.util.Store;

/**
 * Takes a customer's certificates from what the customer sent. From signed mail (multipart/signed,
 * RFC 8551 §3.5.3, or application/pkcs7-mime signed-data, §3.5.2) only when the signature verifies
 * and the signer's certificate names the From: address: the certificate the
 * SMIMEEncryptionKeyPreference attribute points at (§2.5.3), the signer's, the CA certificates that
 * came along, and the SMIMECapabilities attribute. From a certificate file (PEM or DER): every
 * end-entity certificate under each address of its subjectAltName. Whether a certificate is trusted
 * is not judged here but by the validator.
 */
final class CertificateHarvester {
    private final Session session = Session.getInstance(new Properties());

    /** Why nothing could be taken. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    /** A signed mail or a certificate file, told apart by their first bytes. */
    List<Harvest> harvest(byte[] data, String origin) throws Refused {
        String start =
                new String(data, 0, Math.min(data.length, 64), StandardCharsets.ISO_8859_1).strip();
        if (start.startsWith("-----BEGIN") || (data.length > 0 && data[0] == 0x30)) {
            return fromCertificateFile(data, origin);
        }
        try {
            return List.of(
                    fromSignedMail(new MimeMessage(session, new ByteArrayInputStream(data))));
        } catch (MessagingException e) {
            throw new Refused("not a mail message: " + e.getMessage());
        }
    }

    private List<Harvest> fromCertificateFile(byte[] data, String origin) throws Refused {
        List<X509Certificate> certs;
        try {
            certs = PemCertificates.parse(data, origin);
        } catch (CertificateException e) {
            throw new Refused("not a certificate file: " + e.getMessage());
        }
        List<X509Certificate> authorities =
                certs.stream().filter(c -> c.getBasicConstraints() >= 0).toList();
        List<Harvest> out = new ArrayList<>();
        for (X509Certificate leaf : certs) {
            if (leaf.getBasicConstraints() < 0) {
                List<X509Certificate> withChain = new ArrayList<>(List.of(leaf));
                withChain.addAll(authorities);
                addresses(leaf).forEach(a -> out.add(new Harvest(a, withChain, Optional.empty())));
            }
        }
        if (out.isEmpty()) {
            throw new Refused("no end-entity certificate naming a mail address in " + origin);
        }
        return out;
    }

    private Harvest fromSignedMail(MimeMessage message) throws Refused {
        try {
            String from = fromAddress(message);
            SMIMESigned signed = signedData(message);
            @SuppressWarnings("unchecked")
            Store<X509CertificateHolder> store = signed.getCertificates();
            List<String> problems = new ArrayList<>();
            for (SignerInformation si : signed.getSignerInfos().getSigners()) {
                X509Certificate signer = first(store, si.getSID());
                if (signer == null) {
                    problems.add("signer certificate not included");
                } else if (!verifies(si, signer, problems)) {
                    continue;
                } else if (!addresses(signer).contains(from)) {
                    problems.add(
                            "signer certificate is for "
                                    + addresses(signer)
                                    + ", not the From: address <"
                                    + from
                                    + ">");
                } else {
                    return new Harvest(from, certificates(store, si, signer), capabilities(si));
                }
            }
            throw new Refused(problems.isEmpty() ? "no signer" : String.join("; ", problems));
        } catch (MessagingException | IOException | CMSException | SMIMEException e) {
            throw new Refused("signed mail cannot be read: " + e.getMessage());
        }
    }

    private static String fromAddress(MimeMessage message) throws MessagingException, Refused {
        jakarta.mail.Address[] from;
        try {
            from = message.getFrom();
        } catch (AddressException e) {
            throw new Refused("From: is not a mail address: " + e.getMessage());
        }
        if (from == null || from.length != 1 || !(from[0] instanceof InternetAddress a)) {
            throw new Refused("From: must name exactly one address");
        }
        return a.getAddress().toLowerCase(Locale.ROOT);
    }

    private static SMIMESigned signedData(MimeMessage message)
            throws MessagingException, IOException, CMSException, SMIMEException, Refused {
        if (message.isMimeType("multipart/signed")) {
            return new SMIMESigned((MimeMultipart) message.getContent());
        }
        String type = message.getContentType().toLowerCase(Locale.ROOT);
        if (type.contains("pkcs7-mime") && type.contains("enveloped-data")) {
            throw new Refused("encrypted (enveloped-data): decrypt it first");
        }
        if (type.contains("pkcs7-mime")) {
            return new SMIMESigned(message);
        }
        throw new Refused(
                "not signed (neither multipart/signed nor application/pkcs7-mime signed-data)");
    }

    private static boolean verifies(
            SignerInformation si, X509Certificate signer, List<String> problems) {
        try {
            if (si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                return true;
            }
            problems.add("signature does not verify: content or signature altered");
        } catch (CMSException | OperatorCreationException e) {
            problems.add("signature does not verify: " + e.getMessage());
        }
        return false;
    }

    /**
     * The preferred encryption certificate (when another one), the signer's, then CA certificates.
     */
    private static List<X509Certificate> certificates(
            Store<X509CertificateHolder> store, SignerInformation si, X509Certificate signer)
            throws CMSException {
        Set<X509Certificate> out = new LinkedHashSet<>();
        Attribute pref =
                si.getSignedAttributes() == null
                        ? null
                        : si.getSignedAttributes().get(SMIMEAttributes.encrypKeyPref);
        if (pref != null
                && pref.getAttrValues().getObjectAt(0) instanceof ASN1TaggedObject t
                && t.getTagNo() == 0) {
            IssuerAndSerialNumber ias =
                    IssuerAndSerialNumber.getInstance(
                            org.bouncycastle.asn1.ASN1Sequence.getInstance(t, false));
            X509Certificate preferred =
                    first(
                            store,
                            new X509CertificateHolderSelector(
                                    ias.getName(), ias.getSerialNumber().getValue()));
            if (preferred != null) {
                out.add(preferred);
            }
        }
        out.add(signer);
        for (X509CertificateHolder h : store.getMatches(null)) {
            X509Certificate c = convert(h);
            if (c.getBasicConstraints() >= 0) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    private static Optional<SenderCapabilities> capabilities(SignerInformation si) {
        Attribute caps =
                si.getSignedAttributes() == null
                        ? null
                        : si.getSignedAttributes().get(SMIMEAttributes.smimeCapabilities);
        if (caps == null) {
            return Optional.empty();
        }
        return Optional.of(
                SenderCapabilities.of(
                        SMIMECapabilities.getInstance(caps.getAttrValues().getObjectAt(0))));
    }

    @SuppressWarnings("unchecked")
    private static X509Certificate first(Store<X509CertificateHolder> store, Selector<?> selector)
            throws CMSException {
        for (X509CertificateHolder h :
                store.getMatches((Selector<X509CertificateHolder>) selector)) {
            return convert(h);
        }
        return null;
    }

    private static X509Certificate convert(X509CertificateHolder h) throws CMSException {
        try {
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (CertificateException e) {
            throw new CMSException("certificate in the signature unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * subjectAltName rfc822Names, or without any, the legacy emailAddress attribute (RFC 8550 §3);
     * lower-cased.
     */
    static Set<String> addresses(X509Certificate cert) {
        Set<String> out = new LinkedHashSet<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(1).equals(san.get(0))) {
                        out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (out.isEmpty()) {
                for (RDN rdn :
                        X500Name.getInstance(cert.getSubjectX500Principal().getEncoded())
                                .getRDNs(BCStyle.EmailAddress)) {
                    out.add(
                            IETFUtils.valueToString(rdn.getFirst().getValue())
                                    .toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }
}
