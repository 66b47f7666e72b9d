package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.asn1.smime.SMIMEEncryptionKeyPreferenceAttribute;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAttributeTableGenerationException;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Clear-signed S/MIME (RFC 8551 §3.5.3, multipart/signed with a detached signature) so every client
 * shows the text even without S/MIME support. SHA-256 with RSA (PKCS#1 v1.5 or PSS) or ECDSA
 * ({@link SignatureScheme}), made by the identity's own provider ({@link IdentitySigner}); signer
 * certificate and chain included; signed attributes content type, message digest, signing time,
 * SMIMECapabilities and SMIMEEncryptionKeyPreference.
 */
final class MessageSigner {
    private static final long SIGNATURE_ROOM = 16 * 1024;

    MimeMessage sign(
            MimeMessage original,
            SigningIdentity identity,
            SignatureStamp stamp,
            HeaderProtection hp)
            throws MessagingException,
                    IOException,
                    TimestampUnavailableException,
                    KeyUnavailableException {
        List<String> outerHeaders = HeaderProtector.outerHeaderLines(original, hp);
        byte[] content =
                MimeEntities.bytes(HeaderProtector.protectedEntity(original, hp, outerHeaders));
        try {
            CMSSignedDataStreamGenerator gen = new CMSSignedDataStreamGenerator();
            gen.addSignerInfoGenerator(signerInfo(identity, stamp));
            List<X509Certificate> certs = new ArrayList<>();
            certs.add(identity.certificate());
            certs.addAll(identity.chain());
            gen.addCertificates(new JcaCertStore(certs));
            // the signature (certificates and timestamp included) is a few kB
            Base64Body signature = new Base64Body(SIGNATURE_ROOM);
            try (OutputStream signing = gen.open(signature.stream(), false)) {
                signing.write(content); // digested, not copied: the signature is detached
            }
            return ClearSigned.message(outerHeaders, content, signature.finish());
        } catch (CMSException
                | MessagingException
                | IOException
                | OperatorCreationException
                | org.bouncycastle.cms.CMSRuntimeException
                | CertificateEncodingException e) {
            // BouncyCastle signs when the signing stream is closed: a TSA or key failure
            // surfaces wrapped in the stream's exception
            TimestampUnavailableException tsa = cause(e, TimestampUnavailableException.class);
            if (tsa != null) {
                throw tsa;
            }
            KeyUnavailableException key = cause(e, KeyUnavailableException.class);
            if (key != null) {
                throw key;
            }
            throw new MessagingException("signing failed: " + e.getMessage(), e);
        }
    }

    private static SignerInfoGenerator signerInfo(SigningIdentity identity, SignatureStamp stamp)
            throws OperatorCreationException,
                    CertificateEncodingException,
                    KeyUnavailableException {
        CMSAttributeTableGenerator unsigned =
                params -> {
                    try {
                        AttributeTable t =
                                stamp.attributesFor(
                                        (byte[]) params.get(CMSAttributeTableGenerator.SIGNATURE));
                        return t == null ? new AttributeTable(new ASN1EncodableVector()) : t;
                    } catch (TimestampUnavailableException e) {
                        throw new CMSAttributeTableGenerationException("timestamp unavailable", e);
                    }
                };
        // digests in memory; only the signature itself is made with the identity's key (in its
        // token when it lives in one)
        return new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(
                        new DefaultSignedAttributeTableGenerator(
                                signedAttributes(identity.certificate())))
                .setUnsignedAttributeGenerator(unsigned)
                .build(IdentitySigner.of(identity), identity.certificate());
    }

    /** What we can read, so replies from customers can be encrypted back (RFC 8551 §2.5.2). */
    private static AttributeTable signedAttributes(X509Certificate cert) {
        SMIMECapabilityVector caps = new SMIMECapabilityVector();
        caps.addCapability(CMSAlgorithm.AES256_GCM);
        caps.addCapability(CMSAlgorithm.AES128_GCM);
        caps.addCapability(SMIMECapability.aES256_CBC);
        caps.addCapability(SMIMECapability.aES128_CBC);
        caps.addCapability(PKCSObjectIdentifiers.id_RSAES_OAEP);
        caps.addCapability(PKCSObjectIdentifiers.rsaEncryption);
        ASN1EncodableVector attrs = new ASN1EncodableVector();
        attrs.add(new SMIMECapabilitiesAttribute(caps));
        attrs.add(
                new SMIMEEncryptionKeyPreferenceAttribute(
                        new IssuerAndSerialNumber(
                                X500Name.getInstance(cert.getIssuerX500Principal().getEncoded()),
                                cert.getSerialNumber())));
        return new AttributeTable(attrs);
    }

    private static <T extends Exception> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null) {
            return m.getNextException();
        }
        if (t instanceof org.bouncycastle.cms.CMSException c
                && c.getUnderlyingException() != null) {
            return c.getUnderlyingException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
