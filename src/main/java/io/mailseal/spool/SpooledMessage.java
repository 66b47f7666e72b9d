package io.mailseal.spool;

import java.time.Instant;
import java.util.List;

/**
 * One message held for delivery: already sealed (protected mail is only ever spooled as
 * ciphertext), with its envelope, the policy that decided it and when it stops being useful.
 */
public record SpooledMessage(String id, String envelopeFrom, List<String> recipients, String policy,
                             Instant created, Instant expires, byte[] content) {

    public SpooledMessage {
        recipients = List.copyOf(recipients);
    }

    /** The same message for fewer recipients (the others are done). */
    public SpooledMessage withRecipients(List<String> remaining) {
        return new SpooledMessage(id, envelopeFrom, remaining, policy, created, expires, content);
    }
}
