package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Who may hold a connection: clients outside the intake's {@code allowed-clients} ({@code smtp.} or
 * {@code inbound.}, as {@link SmtpConfig#key} names it) are refused at connect (a relay must not be
 * open) unless its {@code auth} lets them authenticate, and no client may hold more than {@code
 * max-connections-per-client} of the intake's {@code max-connections}. Also counts the transactions
 * of each connection for {@code max-messages-per-connection}.
 *
 * <p>SubEthaSMTP calls {@link #onSessionEnd} only for sessions {@link #accept} admitted, so only
 * those are counted.
 */
final class ClientAdmission implements SessionHandler {
    private static final Logger log = LoggerFactory.getLogger(ClientAdmission.class);
    private final SmtpConfig config;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<InetAddress, Integer> connectionsByClient = new ConcurrentHashMap<>();

    /** Session has identity equality: one entry per live connection. */
    private final Map<Session, AtomicInteger> transactions = new ConcurrentHashMap<>();

    private SessionWatch watch;

    ClientAdmission(SmtpConfig config) {
        this.config = config;
    }

    /** From now on, admitted sessions are watched for pace. */
    void watchedBy(SessionWatch watch) {
        this.watch = watch;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress address = session.getRemoteAddress().getAddress();
        String client = address.getHostAddress();
        // with smtp.auth anyone may connect, but must authenticate before MAIL (RelayTransaction)
        if (!config.allows(address) && config.authUsersFile().isEmpty()) {
            String key = config.key("allowed-clients");
            log.warn("refused connection from {}: not in {}", client, key);
            return refuse(SmtpReply.CLIENT_NOT_ALLOWED, client, key);
        }
        SmtpConfig.Limits limits = config.limits();
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            log.warn(
                    "refused connection from {}: {} reached",
                    client,
                    config.key("max-connections"));
            return refuse(SmtpReply.TOO_MANY_CONNECTIONS, limits.maxConnections());
        }
        int fromClient = connectionsByClient.merge(address, 1, Integer::sum);
        if (fromClient > limits.maxConnectionsPerClient()) {
            release(address);
            log.warn(
                    "refused connection from {}: {} reached",
                    client,
                    config.key("max-connections-per-client"));
            return refuse(
                    SmtpReply.TOO_MANY_CONNECTIONS_FROM_CLIENT,
                    client,
                    limits.maxConnectionsPerClient());
        }
        transactions.put(session, new AtomicInteger());
        watch.opened(session);
        return SessionAcceptance.success();
    }

    int openConnections() {
        return connections.get();
    }

    /** Counts a new transaction (a MAIL command) on {@code session}; its number, from 1. */
    int nextTransaction(Session session) {
        return transactions.computeIfAbsent(session, s -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onSessionEnd(Session session) {
        transactions.remove(session);
        watch.ended(session);
        release(session.getRemoteAddress().getAddress());
    }

    private void release(InetAddress address) {
        connectionsByClient.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        connections.decrementAndGet();
    }

    private static SessionAcceptance refuse(SmtpReply reply, Object... args) {
        return SessionAcceptance.failure(reply.code(), reply.text(args));
    }
}
