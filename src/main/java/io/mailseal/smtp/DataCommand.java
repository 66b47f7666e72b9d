package io.mailseal.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.io.ReceivedHeaderStream;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.util.SMTPResponseHelper;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * DATA as SubEthaSMTP 7.2's own command answers it (the same replies, the same Received field, the
 * handler's refusal sent as its reply and the transaction then kept, as the library does), with the
 * content read in blocks by {@link DotStream} instead of a byte at a time.
 */
final class DataCommand extends BaseCommand {
    DataCommand() {
        super(
                "DATA",
                "Following text is collected as the message.\nEnd data with <CR><LF>.<CR><LF>");
    }

    @Override
    public void execute(String commandString, Session session)
            throws IOException, DropConnectionException {
        if (!session.isMailTransactionInProgress()) {
            session.sendResponse("503 5.5.1 Error: need MAIL command");
            return;
        }
        if (session.getRecipientCount() == 0) {
            session.sendResponse("503 Error: need RCPT command");
            return;
        }
        session.sendResponse("354 End data with <CR><LF>.<CR><LF>");
        InputStream content = new DotStream(session.getRawInput());
        SMTPServer server = session.getServer();
        if (!server.getDisableReceivedHeaders()) {
            content =
                    new ReceivedHeaderStream(
                            content,
                            session.getHelo(),
                            session.getRemoteAddress().getAddress(),
                            server.getHostName(),
                            Optional.of(server.getSoftwareName()),
                            session.getSessionId(),
                            session.getSingleRecipient());
        }
        String answer;
        try {
            answer = session.getMessageHandler().data(content);
            content.transferTo(OutputStream.nullOutputStream()); // what the handler left unread
        } catch (DropConnectionException e) {
            throw e;
        } catch (RejectException e) {
            session.sendResponse(e.getErrorResponse());
            return;
        }
        session.sendResponse(
                answer == null ? "250 Ok" : SMTPResponseHelper.buildResponse("250", answer));
        session.resetMailTransaction();
    }
}
