package io.mailseal.seal;

import io.mailseal.crypto.StampCapture;
import io.mailseal.seal.SealingPlan.Group;
import io.mailseal.spool.MessageBytes;
import io.mailseal.spool.SpooledMessage;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One group of a plan as it will leave: its spool id ({@code <queue id>.<n>}), the exact bytes (for
 * pass mail, the received ones, with a rewritten header section when a Bcc was dropped) and, for
 * signed mail, who signed and what the signature's timestamp stamped (for the evidence journal).
 */
record SealedGroup(String id, Group group, MessageBytes content, Optional<Signed> signature) {

    /** The signer's certificate and the stamp that saw the signature value. */
    record Signed(X509Certificate signer, StampCapture stamp) {}

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
                expires(now, defaultMaxAge),
                content,
                group.policy().deliveryTls().map(Enum::name).orElse(""));
    }

    Instant expires(Instant now, Duration defaultMaxAge) {
        return now.plus(group.policy().maxAge().orElse(defaultMaxAge));
    }
}
