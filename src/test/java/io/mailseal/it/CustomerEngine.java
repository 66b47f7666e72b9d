package io.mailseal.it;

import java.nio.file.Path;

/**
 * The S/MIME engine of a family of mail clients on the customer's side, through its own tool: the
 * CMS objects it makes are what those clients send the bank. The MIME around them ({@link
 * CustomerMime}) is the same for all, as RFC 8551 prescribes it.
 */
interface CustomerEngine {

    /** e.g. "NSS"; also the column heading of the inbound matrix. */
    String name();

    /** A detached CMS SignedData (DER) over {@code content}, signed with the customer's key. */
    byte[] signDetached(byte[] content, String customer) throws Exception;

    /**
     * CMS EnvelopedData or AuthEnvelopedData (DER) of {@code content} for the certificate in {@code
     * recipientPem}, with the engine's default algorithms.
     */
    byte[] envelope(byte[] content, Path recipientPem) throws Exception;

    /** Whether {@link #envelope} makes AuthEnvelopedData. */
    default boolean authEnveloped() {
        return false;
    }
}
