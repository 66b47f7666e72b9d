package io.mailseal.delivery;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * The one place where a delivery error becomes temporary or permanent (STYLE.md, after
 * Postfix smtp_trouble.c): 5xx is permanent, everything else — 4xx, I/O, timeouts,
 * anything unknown — is temporary, so an error we do not understand never loses mail.
 */
public final class FailureClassifier {
    private FailureClassifier() {
    }

    public static DeliveryResult classify(Exception e) {
        for (Throwable t = e; t != null; t = next(t)) {
            int code = replyCode(t);
            if (code >= 500 && code < 600) {
                return new DeliveryResult.Failed(code, describe(t));
            }
            if (code >= 400 && code < 500) {
                return new DeliveryResult.Deferred(describe(t));
            }
        }
        return new DeliveryResult.Deferred(describe(e));
    }

    private static int replyCode(Throwable t) {
        if (t instanceof SMTPAddressFailedException a) {
            return a.getReturnCode();
        }
        if (t instanceof SMTPSenderFailedException s) {
            return s.getReturnCode();
        }
        if (t instanceof SMTPSendFailedException f) {
            return f.getReturnCode();
        }
        return -1;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        return msg.replaceAll("[\\r\\n]+", " ");
    }
}
