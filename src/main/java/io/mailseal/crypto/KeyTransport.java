package io.mailseal.crypto;

/** How the content key reaches an RSA recipient; EC recipients always use ECDH. */
public enum KeyTransport {
    /** RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 4055, RFC 8551 §2.3). */
    RSA_OAEP,
    /**
     * RSAES-OAEP with the RFC 4055 §4.1 defaults, SHA-1 and MGF1-SHA-1: what older OAEP clients
     * read.
     */
    RSA_OAEP_SHA1,
    /** RSAES-PKCS1-v1_5: what every client and most smart cards can unwrap. */
    RSA_PKCS1
}
