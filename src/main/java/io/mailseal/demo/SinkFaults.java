package io.mailseal.demo;

import io.mailseal.demo.CaptureSink.Verb;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * The faults a test scripts into the {@link CaptureSink}: a reply, a dropped connection, a hold, a
 * refused address.
 */
final class SinkFaults {
    /** What the next transaction does at one verb instead of accepting. */
    private sealed interface Fault {
        Verb verb();
    }

    private record Reply(Verb verb, int code, String text) implements Fault {}

    private record Drop(Verb verb) implements Fault {}

    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final Map<String, Reply> refusedRecipients = new ConcurrentHashMap<>();
    private final AtomicReference<TransactionHold> hold = new AtomicReference<>();

    void failNext(Verb verb, int code, String text) {
        fault.set(new Reply(verb, code, text));
    }

    void dropNext(Verb verb) {
        fault.set(new Drop(verb));
    }

    void refuseRecipient(String address, int code, String text) {
        refusedRecipients.put(address, new Reply(Verb.RCPT, code, text));
    }

    void acceptRecipient(String address) {
        refusedRecipients.remove(address);
    }

    TransactionHold holdNext(Verb verb) {
        TransactionHold h = new TransactionHold(verb);
        hold.set(h);
        return h;
    }

    /** Throws the scripted refusal of {@code address}, if any. */
    void checkRecipient(String address) throws RejectException {
        Reply refused = refusedRecipients.get(address);
        if (refused != null) {
            throw new RejectException(refused.code(), refused.text());
        }
    }

    /**
     * Applies what was scripted for {@code verb} (once): a hold, then a reply or a dropped
     * connection.
     */
    void at(Verb verb, MessageContext context) throws RejectException {
        TransactionHold h = hold.get();
        if (h != null && h.verb() == verb && hold.compareAndSet(h, null)) {
            try {
                h.block();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Fault f = fault.get();
        if (f == null || f.verb() != verb || !fault.compareAndSet(f, null)) {
            return;
        }
        if (f instanceof Reply r) {
            throw r.code() == 421
                    ? new DropConnectionException(r.code(), r.text())
                    : new RejectException(r.code(), r.text());
        }
        // The handler API cannot close without a reply; the context SubEthaSMTP passes is
        // the Session, which can. The reply it then tries to send goes nowhere.
        try {
            ((Session) context).closeSocket();
        } catch (IOException e) {
            // closing failed: the exception below still ends the session
        }
        throw new DropConnectionException();
    }
}
