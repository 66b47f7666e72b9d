package io.mailseal.demo;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/** Plays the bank's sending system: one SMTP transaction, returning the reply to DATA. */
public final class SubmissionClient {
    private final Session session;

    /** The final reply: code and text, e.g. 250 "2.0.0 Ok: queued as ...". */
    public record Reply(int code, String text) {
        public String line() {
            return code + " " + text;
        }
    }

    public SubmissionClient(String host, int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.localhost", "core-banking.bank.example");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        this.session = Session.getInstance(p);
    }

    /**
     * Sends {@code rfc5322} (CRLF line ends added where missing) from {@code from} to {@code to}.
     */
    public Reply send(String from, List<String> to, String rfc5322) throws MessagingException {
        String crlf = rfc5322.replace("\r\n", "\n").replace("\n", "\r\n");
        SMTPMessage m =
                new SMTPMessage(
                        session, new ByteArrayInputStream(crlf.getBytes(StandardCharsets.UTF_8)));
        m.setEnvelopeFrom(from);
        InternetAddress[] rcpts = new InternetAddress[to.size()];
        for (int i = 0; i < rcpts.length; i++) {
            rcpts[i] = new InternetAddress(to.get(i));
        }
        try (SMTPTransport t = (SMTPTransport) session.getTransport("smtp")) {
            t.connect();
            try {
                t.sendMessage(m, rcpts);
                return parse(t.getLastServerResponse());
            } catch (SMTPSendFailedException e) {
                return new Reply(
                        e.getReturnCode(), e.getMessage().strip().replaceFirst("^\\d{3}[ -]", ""));
            } catch (jakarta.mail.SendFailedException e) {
                return parse(t.getLastServerResponse());
            }
        }
    }

    private static Reply parse(String line) {
        String s = line == null ? "" : line.strip();
        if (s.length() >= 3 && s.substring(0, 3).chars().allMatch(Character::isDigit)) {
            return new Reply(
                    Integer.parseInt(s.substring(0, 3)), s.length() > 4 ? s.substring(4) : "");
        }
        return new Reply(0, s);
    }
}
