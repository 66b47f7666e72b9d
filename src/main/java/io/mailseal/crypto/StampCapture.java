package io.mailseal.crypto;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;

/**
 * A {@link SignatureStamp} that remembers what it stamped, for the evidence journal: the SHA-256 of
 * the signature value (what the RFC 3161 token's imprint covers) and the token itself, DER.
 */
public final class StampCapture implements SignatureStamp {
    private final SignatureStamp stamp;
    private volatile byte[] signatureSha256;
    private volatile byte[] token;

    public StampCapture(SignatureStamp stamp) {
        this.stamp = stamp;
    }

    @Override
    public AttributeTable attributesFor(byte[] signatureValue)
            throws TimestampUnavailableException {
        try {
            signatureSha256 = MessageDigest.getInstance("SHA-256").digest(signatureValue);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
        AttributeTable attributes = stamp.attributesFor(signatureValue);
        Attribute a =
                attributes == null
                        ? null
                        : attributes.get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
        if (a != null) {
            try {
                token =
                        a.getAttrValues()
                                .getObjectAt(0)
                                .toASN1Primitive()
                                .getEncoded(ASN1Encoding.DER);
            } catch (IOException e) {
                throw new IllegalStateException("a parsed token has an encoding", e);
            }
        }
        return attributes;
    }

    /** SHA-256 of the signature value; empty before signing. */
    public Optional<byte[]> signatureSha256() {
        return Optional.ofNullable(signatureSha256);
    }

    /** The timestamp token (DER); empty when none was had (timestamp off or best-effort). */
    public Optional<byte[]> token() {
        return Optional.ofNullable(token);
    }
}
