package io.mailseal.crypto;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.smime.SMIMECapabilities;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/**
 * What a recipient's certificate says its client can decrypt: the S/MIME Capabilities extension
 * (RFC 4262, OID 1.2.840.113549.1.9.15), a list of SMIMECapability as in the signed attribute of
 * RFC 8551 §2.5.2. Only what mailseal can act on is kept: AES-GCM content encryption, AES-128-CBC
 * for a client that announced no AES-256 cipher, and RSAES-OAEP key transport with its hash.
 */
record CertificateCapabilities(
        Optional<ContentEncryption> contentEncryption, Optional<KeyTransport> keyTransport) {
    static final CertificateCapabilities NONE =
            new CertificateCapabilities(Optional.empty(), Optional.empty());

    /** NONE when the extension is absent or unreadable: the safe default then applies. */
    static CertificateCapabilities of(X509Certificate certificate) {
        byte[] ext =
                certificate.getExtensionValue(
                        PKCSObjectIdentifiers.pkcs_9_at_smimeCapabilities.getId());
        if (ext == null) {
            return NONE;
        }
        try {
            return parse(ASN1OctetString.getInstance(ext).getOctets());
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    /**
     * A DER SEQUENCE OF SMIMECapability: the certificate extension's value, or the signed attribute
     * of mail the customer's client sent (RFC 8551 §2.5.2, harvested); NONE when unreadable.
     */
    static CertificateCapabilities parse(byte[] der) {
        try {
            SMIMECapabilities caps = SMIMECapabilities.getInstance(ASN1Sequence.getInstance(der));
            boolean gcm256 = false;
            boolean gcm128 = false;
            boolean cbc256 = false;
            boolean cbc128 = false;
            Optional<KeyTransport> oaep = Optional.empty();
            for (Object o : caps.getCapabilities(null)) {
                SMIMECapability c = (SMIMECapability) o;
                gcm256 |= c.getCapabilityID().equals(CMSAlgorithm.AES256_GCM);
                gcm128 |= c.getCapabilityID().equals(CMSAlgorithm.AES128_GCM);
                cbc256 |= c.getCapabilityID().equals(CMSAlgorithm.AES256_CBC);
                cbc128 |= c.getCapabilityID().equals(CMSAlgorithm.AES128_CBC);
                if (oaep.isEmpty()
                        && c.getCapabilityID().equals(PKCSObjectIdentifiers.id_RSAES_OAEP)) {
                    oaep = oaep(c.getParameters());
                }
            }
            // AES-128-CBC only when the client announced no AES-256 cipher: the default stays
            Optional<ContentEncryption> content =
                    gcm256
                            ? Optional.of(ContentEncryption.AES_256_GCM)
                            : gcm128
                                    ? Optional.of(ContentEncryption.AES_128_GCM)
                                    : cbc128 && !cbc256
                                            ? Optional.of(ContentEncryption.AES_128_CBC)
                                            : Optional.empty();
            return new CertificateCapabilities(content, oaep);
        } catch (IllegalArgumentException | ClassCastException e) {
            return NONE;
        }
    }

    /**
     * Absent or default parameters mean SHA-1 and MGF1-SHA-1 (RFC 4055 §4.1); SHA-256 with
     * MGF1-SHA-256 is mailseal's {@code rsa-oaep}; any other hash is one mailseal does not write.
     */
    private static Optional<KeyTransport> oaep(ASN1Encodable parameters) {
        RSAESOAEPparams p =
                parameters == null
                        ? new RSAESOAEPparams()
                        : RSAESOAEPparams.getInstance(parameters);
        AlgorithmIdentifier mgfHash =
                AlgorithmIdentifier.getInstance(p.getMaskGenAlgorithm().getParameters());
        if (p.getHashAlgorithm().getAlgorithm().equals(OIWObjectIdentifiers.idSHA1)
                && mgfHash.getAlgorithm().equals(OIWObjectIdentifiers.idSHA1)) {
            return Optional.of(KeyTransport.RSA_OAEP_SHA1);
        }
        if (p.getHashAlgorithm().getAlgorithm().equals(NISTObjectIdentifiers.id_sha256)
                && mgfHash.getAlgorithm().equals(NISTObjectIdentifiers.id_sha256)) {
            return Optional.of(KeyTransport.RSA_OAEP);
        }
        return Optional.empty();
    }
}
