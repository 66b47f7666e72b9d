package io.mailseal.smtp;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
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
 * One SMTP transaction (MAIL … DATA). Keeps every recipient, reads DATA through the
 * {@link DataReader}'s checks, and answers at the end of DATA with the pipeline's verdict. Any fault of ours
 * becomes {@code 451 4.3.0}, never the library's default 5xx.
 */
final class RelayTransaction implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(RelayTransaction.class);
    private final java.util.function.Supplier<SealingPipeline> pipeline;
    private final QueueIds queueIds;
    private final DataReader reader;
    private final Session session;
    private final String client;
    private String envelopeFrom = "";
    private final List<String> recipients = new ArrayList<>();

    RelayTransaction(java.util.function.Supplier<SealingPipeline> pipeline, QueueIds queueIds, DataReader reader,
                     Session session) {
        this.pipeline = pipeline;
        this.queueIds = queueIds;
        this.reader = reader;
        this.session = session;
        this.client = session.getRemoteAddress().getAddress().getHostAddress();
    }

    @Override
    public void from(String from) throws RejectException {
        envelopeFrom = from == null ? "" : from;
        if (!envelopeFrom.isEmpty()) {
            requireAddress(envelopeFrom);
        }
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        requireAddress(recipient);
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        byte[] content;
        try {
            content = reader.read(data);
        } catch (RejectException e) {
            log.warn("refused message from {}: {}", client, e.getErrorResponse());
            throw endTransaction(e);
        }
        String queueId = queueIds.next();
        MDC.put("queueId", queueId);
        try {
            log.info("received from={} client={} rcpts={} size={}", envelopeFrom, client, recipients.size(),
                    content.length);
            Verdict verdict = pipeline.get().process(new ReceivedMessage(queueId, envelopeFrom, recipients, content));
            if (verdict instanceof Verdict.Refused r) {
                throw endTransaction(new RejectException(r.reply().code(), r.text()));
            }
            return SmtpReply.QUEUED.text(((Verdict.Accepted) verdict).queueId());
        } catch (RuntimeException e) {
            log.error("internal error, answered 451", e);
            throw endTransaction(new RejectException(SmtpReply.INTERNAL_ERROR.code(), SmtpReply.INTERNAL_ERROR.text()));
        } finally {
            MDC.remove("queueId");
        }
    }

    @Override
    public void done() {
        // nothing is held beyond the transaction: the pipeline has answered for the message
    }

    /**
     * The reply to the end of DATA ends the transaction, refused or not (RFC 5321 §4.1.1.4),
     * so the client may start the next one with MAIL. SubEthaSMTP resets only after a 250.
     */
    private RejectException endTransaction(RejectException refusal) {
        if (!(refusal instanceof DropConnectionException)) {
            session.resetMailTransaction();
        }
        return refusal;
    }

    private static void requireAddress(String address) throws RejectException {
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            throw new RejectException(SmtpReply.BAD_ADDRESS.code(), SmtpReply.BAD_ADDRESS.text(address));
        }
    }
}
