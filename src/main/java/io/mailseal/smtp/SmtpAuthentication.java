package io.mailseal.smtp;

import java.util.List;
import java.util.Optional;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.Session;

/**
 * AUTH PLAIN and LOGIN (RFC 4954) against {@link SmtpUsers}, only inside TLS: a password
 * must never cross the network in the clear, so AUTH before STARTTLS is refused before any
 * challenge (RFC 4954 §6, 538 5.7.11), and a client that sent one anyway learns nothing
 * about it. The library's replies get their enhanced status codes from {@link SmtpReply},
 * and a malformed response is a 501, not a runtime exception that ends the session.
 */
final class SmtpAuthentication implements AuthenticationHandlerFactory {
    private final AuthenticationHandlerFactory mechanisms;

    SmtpAuthentication(SmtpUsers users) {
        this.mechanisms = new EasyAuthenticationHandlerFactory(users);
    }

    @Override
    public List<String> getAuthenticationMechanisms() {
        return mechanisms.getAuthenticationMechanisms();
    }

    @Override
    public AuthenticationHandler create() {
        AuthenticationHandler exchange = mechanisms.create();
        return new AuthenticationHandler() {
            @Override
            public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
                // SubEthaSMTP hands its Session in as the MessageContext
                if (!((Session) context).isTLSStarted()) {
                    throw reject(SmtpReply.AUTH_NEEDS_TLS);
                }
                try {
                    return exchange.auth(clientInput, context);
                } catch (RejectException e) {
                    throw e.getCode() == 535 ? reject(SmtpReply.AUTH_FAILED) : e;
                } catch (RuntimeException e) {
                    throw reject(SmtpReply.AUTH_MALFORMED);
                }
            }

            @Override
            public Object getIdentity() {
                return exchange.getIdentity();
            }
        };
    }

    private static RejectException reject(SmtpReply reply) {
        return new RejectException(reply.code(), reply.text());
    }
}
