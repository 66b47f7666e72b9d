package io.mailseal.delivery;

import io.mailseal.text.PeerText;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * The one place where a delivery error becomes temporary or permanent (STYLE.md, after Postfix
 * smtp_trouble.c): 5xx is permanent, everything else — 4xx, I/O, timeouts, anything unknown — is
 * temporary, so an error we do not understand never loses mail. Results are per recipient: a RCPT
 * refused with its own code keeps that code, a recipient the next hop took in a partly failed
 * transaction is delivered, and everyone else shares the fate of the transaction.
 */
public final class FailureClassifier {
    private FailureClassifier() {}

    /** What one failed transaction with {@code remoteMta} means for each of its recipients. */
    public static Map<String, DeliveryResult> classify(
            Exception e, List<String> recipients, String remoteMta) {
        Map<String, DeliveryResult> perAddress = new HashMap<>();
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException a) {
                // 552 at RCPT is "too many recipients": temporary whatever its class (RFC 5321
                // §4.5.3.1.10)
                int code = a.getReturnCode() == 552 ? 452 : a.getReturnCode();
                perAddress.putIfAbsent(
                        a.getAddress().getAddress(), result(code, describe(a), remoteMta));
            }
        }
        for (String delivered : sentTo(e)) {
            perAddress.put(delivered, new DeliveryResult.Delivered("accepted"));
        }
        DeliveryResult transaction = classify(e, remoteMta);
        Map<String, DeliveryResult> out = new LinkedHashMap<>();
        for (String r : recipients) {
            out.put(r, perAddress.getOrDefault(r, transaction));
        }
        return out;
    }

    /**
     * True when the transaction certainly delivered nothing, so sending again cannot duplicate: a
     * command could not be written at all, or the connection was found closed at MAIL FROM (end of
     * stream, which Angus reports as -1, or the 421 a server sends when it times an idle connection
     * out, RFC 5321 §3.8). A connection lost after the final dot is not such a case — the hop may
     * have taken the message.
     */
    static boolean nothingWasSent(MessagingException e) {
        if (e instanceof SMTPSendFailedException f) {
            boolean closed =
                    f.getReturnCode() == -1
                            || f.getReturnCode() == 421; // 421: the hop's idle timeout
            return closed && f.getCommand() != null && f.getCommand().startsWith("MAIL FROM");
        }
        return "Can't send command to SMTP host".equals(e.getMessage());
    }

    /**
     * STARTTLS was offered and tried, but the TLS handshake itself failed (no SMTP command went
     * over it).
     */
    static boolean tlsHandshakeFailed(MessagingException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a failure of the whole transaction means. RCPT refusals chained onto it speak for their
     * own recipients only: a connection lost after one recipient's 550 must not bounce the others
     * (an unknown end is temporary).
     */
    private static DeliveryResult classify(Exception e, String remoteMta) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException) {
                continue;
            }
            int code = replyCode(t);
            if (code >= 400 && code < 600) {
                return result(code, describe(t), remoteMta);
            }
        }
        return new DeliveryResult.Deferred(describeWithCause(e));
    }

    /**
     * "Could not convert socket to TLS" says little; the innermost cause says why (name, expiry,
     * chain).
     */
    static String describeWithCause(Throwable e) {
        Throwable root = e;
        for (Throwable t = next(root); t != null && t != root; t = next(t)) {
            root = t;
        }
        return root == e
                ? describe(e)
                : describe(e) + ": " + root.getClass().getSimpleName() + ": " + describe(root);
    }

    /**
     * With {@code mail.smtp.sendpartial} the message went to the recipients the next hop accepted
     * even though others were refused; Angus reports them as "valid sent" on an exception whose
     * command is the final dot.
     */
    private static List<String> sentTo(Exception e) {
        if (e instanceof SMTPSendFailedException f
                && ".".equals(f.getCommand())
                && f.getReturnCode() / 100 == 2) {
            return addresses(((SendFailedException) f).getValidSentAddresses());
        }
        return List.of();
    }

    private static List<String> addresses(Address[] addresses) {
        return addresses == null
                ? List.of()
                : java.util.Arrays.stream(addresses)
                        .map(a -> ((InternetAddress) a).getAddress())
                        .toList();
    }

    private static DeliveryResult result(int code, String reason, String remoteMta) {
        if (code >= 500 && code < 600) {
            return new DeliveryResult.Failed(
                    code, reason, DeliveryResult.Source.NEXT_HOP, Optional.of(remoteMta));
        }
        return new DeliveryResult.Deferred(reason);
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

    /**
     * The next hop's reply (or the exception's text) escaped where it comes in ({@link PeerText}):
     * it goes on to log lines, the DSN's Diagnostic-Code, the spool's attempt record and queue
     * listings, and a hostile hop must not write a line or a header field of its own into any of
     * them. The line breaks of a multi-line reply become spaces first.
     */
    private static String describe(Throwable t) {
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        if (replyCode(t) > 0) {
            msg = utf8(msg);
        }
        return PeerText.escape(msg.replaceAll("\r?\n", " "), PeerText.REPLY_LONGEST);
    }

    /**
     * Angus reads a reply octet by octet as ISO-8859-1; a reply in UTF-8 (RFC 6531 §3.7.4.2) is
     * read as UTF-8 again, so its NEL or U+2028 is seen as such. Octets that are no UTF-8 stay as
     * they were read.
     */
    private static String utf8(String reply) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(reply.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return reply;
        }
    }
}
