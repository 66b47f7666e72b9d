package io.mailseal.testing;

import io.mailseal.smtp.SmtpReply;
import org.assertj.core.api.Condition;

/** AssertJ conditions on reply lines against mailseal's reply table. */
public final class Replies {
    private Replies() {}

    /**
     * A reply line that is {@code reply}, whatever its arguments: {@code
     * assertThat(line).is(entry(QUEUED))}.
     */
    public static Condition<String> entry(SmtpReply reply) {
        return new Condition<>(
                line -> line != null && reply.matches(line),
                "the reply %s (%d ...) of SmtpReply",
                reply.name(),
                reply.code());
    }
}
