package io.mailseal.crypto;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.List;

/**
 * Sign, then (optionally) encrypt the signed message — the order of RFC 8551 §3.6, so the signature
 * and its timestamp travel inside the envelope. Thread-safe; one per relay.
 */
public final class MessageSealer {
    private final MessageSigner signer = new MessageSigner();
    private final MessageEncryptor encryptor = new MessageEncryptor();

    /** Signs; {@code hp} decides which headers go inside and what the outside shows (RFC 9788). */
    public MimeMessage sign(
            MimeMessage original,
            SigningIdentity identity,
            SignatureStamp stamp,
            HeaderProtection hp)
            throws MessagingException,
                    IOException,
                    TimestampUnavailableException,
                    KeyUnavailableException {
        return signer.sign(original, identity, stamp, hp);
    }

    public MimeMessage encrypt(
            MimeMessage signed, ContentEncryption algorithm, List<EnvelopeRecipient> recipients)
            throws MessagingException, IOException {
        return encryptor.encrypt(signed, algorithm, recipients);
    }

    /** The bytes of a message this class made, written once into an array of exactly their size. */
    public static byte[] bytes(MimeMessage message) throws MessagingException, IOException {
        return MimeEntities.bytes(message);
    }
}
