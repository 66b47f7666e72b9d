package io.mailseal.smtp;

import org.subethamail.smtp.RejectException;

/** The answer to the end of DATA: queued, or one reply from {@link SmtpReply}. */
public sealed interface Verdict {

    record Accepted(String queueId) implements Verdict {}

    record Refused(SmtpReply reply, String text) implements Verdict {

        public static Refused of(SmtpReply reply, Object... args) {
            return new Refused(reply, reply.text(args));
        }

        RejectException reject() {
            return new RejectException(reply.code(), text);
        }

        /** The whole reply line, e.g. for {@code mailseal explain}. */
        public String line() {
            return reply.code() + " " + text;
        }
    }
}
