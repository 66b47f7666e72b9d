package io.mailseal.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

/**
 * Graceful stop of the intake: once draining, a new transaction (MAIL) is answered {@code 421
 * 4.3.2} and the connection closed, while the transactions already under way — possibly sealing a
 * message the client is waiting to hear about — may finish, for up to the grace period. Only then
 * is the listener closed; a client cut off after that never got a 250, so it still holds its
 * message (nothing accepted is lost).
 */
final class Drain {
    private int inFlight;
    private boolean draining;

    /**
     * The handler for a new transaction: {@code transaction} counted, or a refusal while draining.
     */
    synchronized MessageHandler admit(java.util.function.Supplier<MessageHandler> transaction) {
        if (draining) {
            return new Closing();
        }
        inFlight++;
        return new Counted(transaction.get());
    }

    private synchronized void finished() {
        inFlight--;
        notifyAll();
    }

    /**
     * Refuses new transactions, then waits until none is under way or {@code grace} has passed;
     * true when none is.
     */
    synchronized boolean drain(Duration grace) {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private final class Counted implements MessageHandler {
        private final MessageHandler delegate;
        private boolean done;

        Counted(MessageHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void from(String from) throws RejectException {
            delegate.from(from);
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            delegate.recipient(recipient);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            return delegate.data(data);
        }

        @Override
        public void done() {
            try {
                delegate.done();
            } finally {
                if (!done) {
                    done = true;
                    finished();
                }
            }
        }
    }

    private static final class Closing implements MessageHandler {
        @Override
        public void from(String from) throws RejectException {
            throw SmtpReply.SHUTTING_DOWN.drop();
        }

        @Override
        public void recipient(String recipient) {
            throw new IllegalStateException("refused at MAIL");
        }

        @Override
        public String data(InputStream data) {
            throw new IllegalStateException("refused at MAIL");
        }

        @Override
        public void done() {
            // nothing was started
        }
    }
}
