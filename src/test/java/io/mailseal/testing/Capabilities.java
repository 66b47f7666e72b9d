package io.mailseal.testing;

import io.mailseal.demo.CertificateSpec;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/**
 * Customer certificates that advertise what their client decrypts (S/MIME Capabilities, RFC 4262).
 */
public final class Capabilities {
    public static final SMIMECapability AES_256_GCM =
            new SMIMECapability(CMSAlgorithm.AES256_GCM, null);
    public static final SMIMECapability AES_128_CBC =
            new SMIMECapability(CMSAlgorithm.AES128_CBC, null);
    public static final SMIMECapability AES_256_CBC =
            new SMIMECapability(CMSAlgorithm.AES256_CBC, null);
    public static final SMIMECapability RSA_PKCS1 =
            new SMIMECapability(PKCSObjectIdentifiers.rsaEncryption, null);

    /** RSAES-OAEP without parameters: the RFC 4055 defaults, SHA-1 and MGF1-SHA-1. */
    public static final SMIMECapability OAEP_DEFAULTS =
            new SMIMECapability(PKCSObjectIdentifiers.id_RSAES_OAEP, null);

    public static final SMIMECapability OAEP_SHA256 =
            new SMIMECapability(
                    PKCSObjectIdentifiers.id_RSAES_OAEP,
                    oaep(
                            new AlgorithmIdentifier(
                                    NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE)));
    public static final SMIMECapability OAEP_SHA384 =
            new SMIMECapability(
                    PKCSObjectIdentifiers.id_RSAES_OAEP,
                    oaep(
                            new AlgorithmIdentifier(
                                    NISTObjectIdentifiers.id_sha384, DERNull.INSTANCE)));

    private Capabilities() {}

    /**
     * The spec with the S/MIME Capabilities extension listing {@code caps} in order of preference;
     * none: no extension.
     */
    public static CertificateSpec advertise(CertificateSpec spec, SMIMECapability... caps) {
        if (caps.length == 0) {
            return spec;
        }
        ASN1EncodableVector v = new ASN1EncodableVector();
        for (SMIMECapability c : caps) {
            v.add(c);
        }
        return spec.extension(
                PKCSObjectIdentifiers.pkcs_9_at_smimeCapabilities, new DERSequence(v));
    }

    private static RSAESOAEPparams oaep(AlgorithmIdentifier hash) {
        return new RSAESOAEPparams(
                hash,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, hash),
                RSAESOAEPparams.DEFAULT_P_SOURCE_ALGORITHM);
    }
}
