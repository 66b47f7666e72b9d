package io.mailseal.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/** What an envelope is, read from its DER rather than from mailseal's settings. */
final class EnvelopeDescription {
    private static final Map<String, String> NAMES =
            Map.of(
                    "2.16.840.1.101.3.4.1.42", "AES-256-CBC",
                    "2.16.840.1.101.3.4.1.46", "AES-256-GCM",
                    "2.16.840.1.101.3.4.1.6", "AES-128-GCM",
                    "1.3.14.3.2.26", "SHA-1",
                    "2.16.840.1.101.3.4.2.1", "SHA-256",
                    "1.3.132.1.11.1", "SHA-256 KDF",
                    "1.3.133.16.840.63.0.2", "SHA-1 KDF");

    private EnvelopeDescription() {}

    /** e.g. "AES-256-GCM AuthEnvelopedData, RSAES-OAEP (SHA-256)". */
    static String of(Path der) throws Exception {
        ContentInfo ci = ContentInfo.getInstance(ASN1Sequence.getInstance(Files.readAllBytes(der)));
        String content;
        ASN1Set recipients;
        if (ci.getContentType().equals(CMSObjectIdentifiers.authEnvelopedData)) {
            AuthEnvelopedData a = AuthEnvelopedData.getInstance(ci.getContent());
            content =
                    name(a.getAuthEncryptedContentInfo().getContentEncryptionAlgorithm())
                            + " AuthEnvelopedData";
            recipients = a.getRecipientInfos();
        } else {
            EnvelopedData e = EnvelopedData.getInstance(ci.getContent());
            content =
                    name(e.getEncryptedContentInfo().getContentEncryptionAlgorithm())
                            + " EnvelopedData";
            recipients = e.getRecipientInfos();
        }
        return content
                + ", "
                + keyManagement(RecipientInfo.getInstance(recipients.getObjectAt(0)).getInfo());
    }

    private static String keyManagement(ASN1Encodable info) {
        if (info instanceof KeyAgreeRecipientInfo kari) {
            return "ECDH (" + name(kari.getKeyEncryptionAlgorithm()) + ")";
        }
        AlgorithmIdentifier alg = ((KeyTransRecipientInfo) info).getKeyEncryptionAlgorithm();
        if (alg.getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA PKCS#1 v1.5";
        }
        if (alg.getAlgorithm().equals(PKCSObjectIdentifiers.id_RSAES_OAEP)) {
            // absent or empty parameters mean the RFC 4055 §4.1 defaults: SHA-1, MGF1 with SHA-1
            RSAESOAEPparams p =
                    RSAESOAEPparams.getInstance(
                            alg.getParameters() == null
                                    ? ASN1Sequence.getInstance(
                                            new org.bouncycastle.asn1.DERSequence())
                                    : alg.getParameters());
            return "RSAES-OAEP (" + name(p.getHashAlgorithm()) + ")";
        }
        return alg.getAlgorithm().getId();
    }

    private static String name(AlgorithmIdentifier alg) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        return NAMES.getOrDefault(oid.getId(), oid.getId());
    }
}
