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
public final class SpooledMessage {
    private final String id;
    private final String envelopeFrom;
    private final List<String> recipients;
    private final String policy;
    private final Instant created;
    private final Instant expires;
    private final MessageBytes bytes;
    private final String minimumTls;

    public SpooledMessage(
            String id,
            String envelopeFrom,
            List<String> recipients,
            String policy,
            Instant created,
            Instant expires,
            MessageBytes bytes,
            String minimumTls) {
        this.id = id;
        this.envelopeFrom = envelopeFrom;
        this.recipients = List.copyOf(recipients);
        this.policy = policy;
        this.created = created;
        this.expires = expires;
        this.bytes = bytes;
        this.minimumTls = minimumTls;
    }

    public SpooledMessage(
            String id,
            String envelopeFrom,
            List<String> recipients,
            String policy,
            Instant created,
            Instant expires,
            byte[] content,
            String minimumTls) {
        this(
                id,
                envelopeFrom,
                recipients,
                policy,
                created,
                expires,
                MessageBytes.of(content),
                minimumTls);
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
        this(id, envelopeFrom, recipients, policy, created, expires, content, "");
    }

    /** The same message for fewer recipients (the others are done). */
    public SpooledMessage withRecipients(List<String> remaining) {
        return new SpooledMessage(
                id, envelopeFrom, remaining, policy, created, expires, bytes, minimumTls);
    }

    public String id() {
        return id;
    }

    public String envelopeFrom() {
        return envelopeFrom;
    }

    public List<String> recipients() {
        return recipients;
    }

    public String policy() {
        return policy;
    }

    public Instant created() {
        return created;
    }

    public Instant expires() {
        return expires;
    }

    /** The message as one array (joined, i.e. copied, only when its header was rewritten). */
    public byte[] content() {
        return bytes.toArray();
    }

    /** The message's bytes as they are held. */
    public MessageBytes bytes() {
        return bytes;
    }

    public String minimumTls() {
        return minimumTls;
    }

    @Override
    public String toString() {
        return "SpooledMessage[id=" + id + ", policy=" + policy + ", size=" + bytes.length() + "]";
    }
}
