package io.mailseal.smtp;

/** The answer to the end of DATA: queued, or one reply from {@link SmtpReply}. */
sealed interface Verdict {

    record Accepted(String queueId) implements Verdict {
    }

    record Refused(SmtpReply reply, String text) implements Verdict {

        static Refused of(SmtpReply reply, Object... args) {
            return new Refused(reply, reply.text(args));
        }
    }
}
