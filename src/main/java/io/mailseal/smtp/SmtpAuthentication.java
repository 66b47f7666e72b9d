package io.mailseal.smtp;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.Session;

/**
 * AUTH PLAIN and LOGIN (RFC 4954) against {@link SmtpUsers}, only inside TLS: a password must never
 * cross the network in the clear, so AUTH before STARTTLS is refused before any challenge (RFC 4954
 * §6, 538 5.7.11), and a client that sent one anyway learns nothing about it. The library's replies
 * get their enhanced status codes from {@link SmtpReply}, and a malformed response is a 501, not a
 * runtime exception that ends the session. The {@value #MAX_FAILURES}rd wrong password in one
 * connection ends it (421 4.7.0): guessing costs a new connection, TLS handshake included, and
 * max-connections-per-client bounds those.
 */
final class SmtpAuthentication implements AuthenticationHandlerFactory {
    static final int MAX_FAILURES = 3;
    private static final Logger log = LoggerFactory.getLogger(SmtpAuthentication.class);
    private final AuthenticationHandlerFactory mechanisms;

    /** Wrong passwords per session; weak keys, so an ended session is forgotten. */
    private final Map<Session, Integer> failures = Collections.synchronizedMap(new WeakHashMap<>());

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
            public Optional<String> auth(String clientInput, MessageContext context)
                    throws RejectException {
                // SubEthaSMTP hands its Session in as the MessageContext
                Session session = (Session) context;
                if (!session.isTLSStarted()) {
                    throw SmtpReply.AUTH_NEEDS_TLS.reject();
                }
                try {
                    return exchange.auth(clientInput, context);
                } catch (RejectException e) {
                    throw e.getCode() == 535 ? failed(session) : e;
                } catch (RuntimeException e) {
                    throw SmtpReply.AUTH_MALFORMED.reject();
                }
            }

            @Override
            public Object getIdentity() {
                return exchange.getIdentity();
            }
        };
    }

    private RejectException failed(Session session) {
        if (failures.merge(session, 1, Integer::sum) < MAX_FAILURES) {
            return SmtpReply.AUTH_FAILED.reject();
        }
        log.warn(
                "closing the connection from {} after {} failed AUTH attempts",
                session.getRemoteAddress(),
                MAX_FAILURES);
        return SmtpReply.AUTH_TOO_MANY_FAILURES.reject();
    }

    /** True once {@code session} had its last wrong password: AUTH closes it after the reply. */
    boolean exhausted(Session session) {
        return failures.getOrDefault(session, 0) >= MAX_FAILURES;
    }
}
