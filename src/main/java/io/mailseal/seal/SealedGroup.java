package io.mailseal.seal;

import io.mailseal.seal.SealingPlan.Group;
import io.mailseal.spool.MessageBytes;
import io.mailseal.spool.SpooledMessage;
import java.time.Duration;
import java.time.Instant;

/**
 * One group of a plan as it will leave: its spool id ({@code <queue id>.<n>}) and the exact bytes
 * (for pass mail, the received ones, with a rewritten header section when a Bcc was dropped).
 */
record SealedGroup(String id, Group group, MessageBytes content) {

    /**
     * What the spool keeps; expiry from the policy's {@code max-age}, else {@code
     * delivery.max-age}.
     */
    SpooledMessage spooled(String envelopeFrom, Instant now, Duration defaultMaxAge) {
        return new SpooledMessage(
                id,
                envelopeFrom,
                group.recipients(),
                group.policy().name(),
                now,
                now.plus(group.policy().maxAge().orElse(defaultMaxAge)),
                content,
                group.policy().deliveryTls().map(Enum::name).orElse(""));
    }
}
