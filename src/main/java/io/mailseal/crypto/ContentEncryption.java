package io.mailseal.crypto;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/** Content-encryption algorithms mailseal writes (RFC 8551 §2.7). */
public enum ContentEncryption {
    /** AuthEnvelopedData (RFC 5083/5084): not opened by Outlook, NSS or gpgsm 2.2. */
    AES_256_GCM(CMSAlgorithm.AES256_GCM, "AES-256-GCM", true),
    AES_128_GCM(CMSAlgorithm.AES128_GCM, "AES-128-GCM", true),
    /** EnvelopedData: opened by every S/MIME client. */
    AES_256_CBC(CMSAlgorithm.AES256_CBC, "AES-256-CBC", false),
    /**
     * EnvelopedData, only for a client that announced AES-128-CBC and neither AES-256 cipher (the
     * one RFC 8551 §2.7 makes every client support).
     */
    AES_128_CBC(CMSAlgorithm.AES128_CBC, "AES-128-CBC", false);

    private final ASN1ObjectIdentifier oid;
    private final String displayName;
    private final boolean authenticated;

    ContentEncryption(ASN1ObjectIdentifier oid, String displayName, boolean authenticated) {
        this.oid = oid;
        this.displayName = displayName;
        this.authenticated = authenticated;
    }

    ASN1ObjectIdentifier oid() {
        return oid;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public String displayName() {
        return displayName;
    }

    /** The display name for an algorithm OID found in a message, or the OID itself. */
    public static String nameOf(String oid) {
        for (ContentEncryption c : values()) {
            if (c.oid.getId().equals(oid)) {
                return c.displayName;
            }
        }
        return CMSAlgorithm.AES128_CBC.getId().equals(oid) ? "AES-128-CBC" : oid;
    }
}
