package io.mailseal.smtp;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

/**
 * One SMTP transaction (MAIL … DATA). Keeps every recipient, streams DATA with a size
 * limit, and answers at the end of DATA with the pipeline's verdict. Any fault of ours
 * becomes {@code 451 4.3.0}, never the library's default 5xx.
 */
final class RelayTransaction implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(RelayTransaction.class);
    private final java.util.function.Supplier<SealingPipeline> pipeline;
    private final QueueIds queueIds;
    private final int maxMessageSize;
    private final String client;
    private String envelopeFrom = "";
    private final List<String> recipients = new ArrayList<>();

    RelayTransaction(java.util.function.Supplier<SealingPipeline> pipeline, QueueIds queueIds, int maxMessageSize, String client) {
        this.pipeline = pipeline;
        this.queueIds = queueIds;
        this.maxMessageSize = maxMessageSize;
        this.client = client;
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
        byte[] content = readAtMost(data);
        String queueId = queueIds.next();
        MDC.put("queueId", queueId);
        try {
            log.info("received from={} client={} rcpts={} size={}", envelopeFrom, client, recipients.size(),
                    content.length);
            Verdict verdict = pipeline.get().process(new ReceivedMessage(queueId, envelopeFrom, recipients, content));
            if (verdict instanceof Verdict.Refused r) {
                throw new RejectException(r.reply().code(), r.text());
            }
            return SmtpReply.QUEUED.text(((Verdict.Accepted) verdict).queueId());
        } catch (RuntimeException e) {
            log.error("internal error, answered 451", e);
            throw new RejectException(SmtpReply.INTERNAL_ERROR.code(), SmtpReply.INTERNAL_ERROR.text());
        } finally {
            MDC.remove("queueId");
        }
    }

    @Override
    public void done() {
        // nothing is held beyond the transaction: the pipeline has answered for the message
    }

    /**
     * Reads DATA up to the limit. Past it, the rest is drained so that the client's
     * remaining lines are not read as commands, then the message is refused.
     */
    private byte[] readAtMost(InputStream data) throws IOException, RejectException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = data.read(buf)) != -1) {
            total += n;
            if (total <= maxMessageSize) {
                out.write(buf, 0, n);
            }
        }
        if (total > maxMessageSize) {
            log.warn("refused message of {} bytes from {}: over smtp.max-message-size", total, client);
            throw new RejectException(SmtpReply.MESSAGE_TOO_BIG.code(), SmtpReply.MESSAGE_TOO_BIG.text(maxMessageSize));
        }
        return out.toByteArray();
    }

    private static void requireAddress(String address) throws RejectException {
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            throw new RejectException(SmtpReply.BAD_ADDRESS.code(), SmtpReply.BAD_ADDRESS.text(address));
        }
    }
}
