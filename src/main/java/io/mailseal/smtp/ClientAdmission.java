package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Refuses clients outside {@code smtp.allowed-clients} at connect: a relay must not be open. */
final class ClientAdmission implements SessionHandler {
    private static final Logger log = LoggerFactory.getLogger(ClientAdmission.class);
    private final SmtpConfig config;

    ClientAdmission(SmtpConfig config) {
        this.config = config;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        var address = session.getRemoteAddress().getAddress();
        if (config.allows(address)) {
            return SessionAcceptance.success();
        }
        log.warn("refused connection from {}: not in smtp.allowed-clients", address.getHostAddress());
        return SessionAcceptance.failure(SmtpReply.CLIENT_NOT_ALLOWED.code(),
                SmtpReply.CLIENT_NOT_ALLOWED.text(address.getHostAddress()));
    }

    @Override
    public void onSessionEnd(Session session) {
        // nothing held per session
    }
}
