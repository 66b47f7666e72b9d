package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;
import io.mailseal.text.PeerText;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

/**
 * One SMTP transaction (MAIL … DATA). Keeps every recipient, reads DATA through the {@link
 * DataReader}'s checks, and answers at the end of DATA with the {@link MessageSink}'s verdict. Any
 * fault of ours becomes {@code 451 4.3.0}, never the library's default 5xx.
 */
final class RelayTransaction implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(RelayTransaction.class);

    /** How long a received message may wait for the sink's share of the memory budget. */
    private static final Duration SINK_PATIENCE = Duration.ofMinutes(1);

    private final Intake intake;
    private final Session session;
    private final int sequence;
    private final String client;
    private String envelopeFrom = "";
    private final List<String> recipients = new ArrayList<>();

    /** {@code sequence}: this transaction's number on its connection, from 1. */
    RelayTransaction(Intake intake, Session session, int sequence) {
        this.intake = intake;
        this.session = session;
        this.sequence = sequence;
        this.client = session.getRemoteAddress().getAddress().getHostAddress();
    }

    @Override
    public void from(String from) throws RejectException {
        int most = intake.config().limits().maxMessagesPerConnection();
        if (sequence > most) {
            log.warn(
                    "closing connection from {}: over {}",
                    client,
                    intake.config().key("max-messages-per-connection"));
            throw SmtpReply.TOO_MANY_MESSAGES.drop(most);
        }
        if (session.getHelo().isEmpty()) {
            // RFC 5321 §4.1.4: a client must introduce itself first; the Received: field needs it
            throw SmtpReply.HELLO_FIRST.reject();
        }
        SmtpConfig config = intake.config();
        if (config.tls().map(SmtpConfig.Tls::require).orElse(false) && !session.isTLSStarted()) {
            throw SmtpReply.STARTTLS_REQUIRED.reject();
        }
        // who may relay: a client in allowed-clients, or (only when smtp.auth is set) an
        // authenticated session
        if (!config.allows(session.getRemoteAddress().getAddress()) && !session.isAuthenticated()) {
            log.warn(
                    "refused MAIL from {}: not in {} and not authenticated",
                    client,
                    config.key("allowed-clients"));
            throw SmtpReply.AUTH_REQUIRED.reject();
        }
        envelopeFrom = from == null ? "" : from;
        if (!envelopeFrom.isEmpty()) {
            requireAddress(envelopeFrom);
        }
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        int most = intake.config().maxRecipients();
        if (recipients.size() >= most) {
            // RFC 5321 §4.5.3.1.10: temporary, so the client sends the rest in another transaction
            throw SmtpReply.TOO_MANY_RECIPIENTS.reject(most);
        }
        requireAddress(recipient);
        if (!recipients.contains(recipient)) {
            // a repeated RCPT is answered 250 like the first, and the recipient gets one copy
            recipients.add(recipient);
        }
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        // the budget is held until the sink has answered for the message
        try (MessageBuffer buffer = new MessageBuffer(intake.budget())) {
            read(data, buffer);
            return answer(buffer);
        }
    }

    private void read(InputStream data, MessageBuffer buffer) throws RejectException, IOException {
        SmtpConfig.Limits limits = intake.config().limits();
        Socket socket = session.getSocket();
        socket.setSoTimeout((int) limits.dataTimeout().toMillis());
        try {
            intake.dataReader().read(intake.watch().receiveData(session, data), buffer);
            if (!intake.watch().busy(session)) {
                throw new IOException("cut for slowness while DATA ended"); // and already closed
            }
        } catch (SocketTimeoutException e) {
            log.warn(
                    "closing connection from {}: no data for {}",
                    client,
                    intake.config().key("data-timeout"));
            throw SmtpReply.DATA_TIMEOUT.drop();
        } catch (RejectException e) {
            if (SmtpReply.MEMORY_BUDGET_EXHAUSTED.matches(e.getErrorResponse())) {
                intake.budget().refused();
                log.warn(
                        "refused message from {}: {} of {} bytes is spent",
                        client,
                        intake.config().key("memory-budget"),
                        intake.budget().capacity());
            } else {
                log.warn("refused message from {}: {}", client, e.getErrorResponse());
            }
            throw endTransaction(e);
        } finally {
            socket.setSoTimeout((int) limits.commandTimeout().toMillis());
        }
    }

    /**
     * The sink's answer for the buffered message, once the budget lets the sink take it on: before
     * the chunks are joined into one array, so that for the moment both exist the sink's share
     * covers the array.
     */
    private String answer(MessageBuffer buffer) throws RejectException {
        MemoryBudget budget = intake.budget();
        int length = buffer.length();
        if (!budget.enterSink(length, SINK_PATIENCE)) {
            budget.refused();
            log.warn(
                    "refused message from {}: {} spent by messages being sealed",
                    client,
                    intake.config().key("memory-budget"));
            throw endTransaction(SmtpReply.MEMORY_BUDGET_EXHAUSTED.reject());
        }
        try {
            return decide(buffer.content());
        } finally {
            budget.leaveSink(length);
        }
    }

    private String decide(byte[] content) throws RejectException {
        String queueId = intake.queueIds().next();
        MDC.put("queueId", queueId);
        try {
            log.info(
                    "received from={} client={}{} rcpts={} size={}",
                    PeerText.escape(envelopeFrom),
                    client,
                    session.getAuthenticationHandler()
                            .map(a -> " user=" + PeerText.escape(String.valueOf(a.getIdentity())))
                            .orElse(""),
                    recipients.size(),
                    content.length);
            Verdict verdict =
                    intake.sink()
                            .accept(
                                    new ReceivedMessage(
                                            queueId, envelopeFrom, recipients, content));
            if (verdict instanceof Verdict.Refused r) {
                throw endTransaction(r.reject());
            }
            return SmtpReply.QUEUED.text(((Verdict.Accepted) verdict).queueId());
        } catch (RuntimeException e) {
            log.error("internal error, answered 451", e);
            throw endTransaction(SmtpReply.INTERNAL_ERROR.reject());
        } finally {
            MDC.remove("queueId");
        }
    }

    @Override
    public void done() {
        // nothing is held beyond the transaction: the sink has answered for the message
    }

    /**
     * The reply to the end of DATA ends the transaction, refused or not (RFC 5321 §4.1.1.4), so the
     * client may start the next one with MAIL. SubEthaSMTP resets only after a 250.
     */
    private RejectException endTransaction(RejectException refusal) {
        if (!(refusal instanceof DropConnectionException)) {
            session.resetMailTransaction();
        }
        return refusal;
    }

    private static void requireAddress(String address) throws RejectException {
        if (!address.chars().allMatch(c -> c < 0x80)) {
            // RFC 6531 §3.4: 8-bit addresses only with SMTPUTF8, which is not offered
            throw SmtpReply.NON_ASCII_ADDRESS.reject();
        }
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            throw SmtpReply.BAD_ADDRESS.reject(address);
        }
    }
}
