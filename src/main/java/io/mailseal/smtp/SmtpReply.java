package io.mailseal.smtp;

import java.util.Locale;
import java.util.regex.Pattern;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;

/**
 * Every reply mailseal itself gives (DESIGN.md "SMTP replies"): the contract with the bank's
 * sending systems, in one table. Our own faults are 4xx; only policy refusals are 5xx. Enhanced
 * status codes per RFC 3463.
 */
public enum SmtpReply {
    CLIENT_NOT_ALLOWED(554, "5.7.1 Access denied: client %s is not in %s"),
    STARTTLS_REQUIRED(530, "5.7.0 Must issue a STARTTLS command first"),
    AUTH_REQUIRED(530, "5.7.0 Authentication required"),
    AUTH_NEEDS_TLS(538, "5.7.11 Encryption required for requested authentication mechanism"),
    AUTH_FAILED(535, "5.7.8 Authentication credentials invalid"),
    AUTH_MALFORMED(501, "5.5.2 Cannot decode AUTH response"),
    AUTH_TOO_MANY_FAILURES(421, "4.7.0 Too many failed authentications, closing"),
    MESSAGE_TOO_BIG(552, "5.3.4 Message size exceeds fixed maximum message size (%d bytes)"),
    HEADER_TOO_BIG(552, "5.3.4 Message header section exceeds %d bytes"),
    LINE_TOO_LONG(
            554, "5.6.0 Message refused: a line is longer than %d octets (RFC 5321 4.5.3.1.6)"),
    TOO_MANY_RECIPIENTS(452, "4.5.3 Too many recipients, at most %d per message"),
    TOO_MANY_MESSAGES(
            421,
            "4.7.0 Too many messages in this connection (%d), closing; reconnect to send more"),
    TOO_MANY_CONNECTIONS(421, "4.3.2 Too many connections (%d), try again later"),
    TOO_MANY_CONNECTIONS_FROM_CLIENT(
            421, "4.7.0 Too many connections from %s (%d), try again later"),
    DATA_TIMEOUT(421, "4.4.2 Timeout waiting for message data, closing"),
    SHUTTING_DOWN(421, "4.3.2 Shutting down, try again later"),
    BARE_NEWLINE_IN_DATA(
            554, "5.5.2 Message refused: bare CR or LF; lines must end with CRLF (RFC 5321 2.3.8)"),
    NUL_IN_DATA(554, "5.6.0 Message refused: NUL octet in content (RFC 5322 2.3)"),
    MEMORY_BUDGET_EXHAUSTED(
            452, "4.3.1 Insufficient system storage: too much mail in flight, try again later"),
    TOO_SLOW(421, "4.4.2 %s, closing"),
    NOT_PRINTABLE_HELLO(501, "5.5.2 %s: the domain must be printable ASCII"),
    NON_ASCII_ADDRESS(553, "5.6.7 Address must be ASCII: SMTPUTF8 is not offered here"),
    HELLO_FIRST(503, "5.5.1 Send EHLO or HELO first"),
    NO_CERTIFICATE(550, "5.7.1 %s: no valid certificate (policy %s)"),
    REFUSED_BY_POLICY(550, "5.7.1 %s: refused by policy %s"),
    NO_SIGNING_IDENTITY(550, "5.7.1 no signing identity for <%s>"),
    FROM_NOT_SIGNER(550, "5.7.1 header From is not covered by the signing identity of <%s>"),
    PROTECTION_REQUIRED(550, "5.7.1 Mail to <%s> must be %s (policy %s); this message %s"),
    SIGNER_STATUS_UNAVAILABLE(
            451, "4.7.5 The signer's certificate status cannot be checked now, try again later"),
    MALFORMED_MESSAGE(554, "5.6.0 Message could not be parsed as MIME: %s"),
    BAD_ADDRESS(501, "5.1.3 Bad address syntax: <%s>"),
    EHLO_SYNTAX(501, "5.5.4 Syntax: EHLO hostname"),
    COMMAND_NOT_OFFERED(502, "5.5.1 %s is not offered here"),
    CERTIFICATES_UNAVAILABLE(
            451, "4.4.3 Certificate directory unavailable for %s, try again later"),
    TIMESTAMP_UNAVAILABLE(451, "4.7.0 Timestamp authority unavailable, try again later"),
    INTERNAL_ERROR(451, "4.3.0 Internal error, try again later"),
    SIGNING_KEY_UNAVAILABLE(451, "4.3.0 Signing key unavailable, try again later"),
    QUEUED(250, "2.0.0 Ok: queued as %s");

    private final int code;
    private final String text;

    SmtpReply(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** The reply text after the code, with its arguments filled in. */
    public String text(Object... args) {
        return String.format(Locale.ROOT, text, args);
    }

    /**
     * Whether {@code line} is this reply, whatever its arguments (tests check replies against the
     * table).
     */
    public boolean matches(String line) {
        StringBuilder regex = new StringBuilder(Pattern.quote(code + " "));
        for (String literal : text.split("%[sd]", -1)) {
            regex.append(Pattern.quote(literal)).append(".*");
        }
        return line.matches(regex.substring(0, regex.length() - 2));
    }

    /**
     * This reply, to throw from a SubEthaSMTP handler; the transaction or command fails with it.
     */
    public RejectException reject(Object... args) {
        return new RejectException(code, text(args));
    }

    /** This reply, after which the connection is closed. */
    public DropConnectionException drop(Object... args) {
        return new DropConnectionException(code, text(args));
    }

    /** The whole reply line as a client sees it, e.g. {@code 451 4.3.0 Internal error...}. */
    public String line(Object... args) {
        return code + " " + text(args);
    }
}
