package io.mailseal.crypto;

import org.bouncycastle.asn1.cms.AttributeTable;

/**
 * Unsigned attributes computed from the signature value once it exists — the hook for the RFC 3161
 * token of CAdES-T (ETSI EN 319 122-1 §5.3), id-aa-signatureTimeStampToken.
 */
@FunctionalInterface
public interface SignatureStamp {
    /** No unsigned attributes. */
    SignatureStamp NONE = signature -> null;

    /** Attributes to add, or null for none; throws when the stamp is required and cannot be had. */
    AttributeTable attributesFor(byte[] signatureValue) throws TimestampUnavailableException;
}
