package io.mailseal.spool;

import java.time.Instant;
import java.util.List;

/**
 * One message held for delivery: already sealed (protected mail is only ever spooled as
 * ciphertext), with its envelope, the policy that decided it, the outbound TLS level that policy
 * asked for when the message was accepted ({@code minimumTls}, "" for none: a later rename of the
 * policy must not lower it) and when it stops being useful. Its bytes may be a new header section
 * and the body of the message as received ({@link MessageBytes}): the spool writes them as they
 * are, and only {@link #content()} joins them.
 */
public record SpooledMessage(
        String id,
        String envelopeFrom,
        List<String> recipients,
        String policy,
        Instant created,
        Instant expires,
        MessageBytes bytes,
        String minimumTls) {

    public SpooledMessage {
        recipients = List.copyOf(recipients);
    }

    /** A message whose policy asked for no TLS level of its own. */
    public SpooledMessage(
            String id,
            String envelopeFrom,
            List<String> recipients,
            String policy,
            Instant created,
            Instant expires,
            byte[] content) {
        this(id, envelopeFrom, recipients, policy, created, expires, MessageBytes.of(content), "");
    }

    /** The message as one array (joined, i.e. copied, only when its header was rewritten). */
    public byte[] content() {
        return bytes.toArray();
    }

    /** The same message for fewer recipients (the others are done). */
    public SpooledMessage withRecipients(List<String> remaining) {
        return new SpooledMessage(
                id, envelopeFrom, remaining, policy, created, expires, bytes, minimumTls);
    }
}
