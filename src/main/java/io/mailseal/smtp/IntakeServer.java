package io.mailseal.smtp;

import io.mailseal.config.SmtpConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * An SMTP listener ({@code smtp.listen}, or {@code inbound.listen}; its replies and logs name its
 * own keys, {@link SmtpConfig#key}): SubEthaSMTP with one {@link RelayTransaction} per transaction.
 */
public final class IntakeServer implements AutoCloseable {
    private static final org.slf4j.Logger log =
            org.slf4j.LoggerFactory.getLogger(IntakeServer.class);
    private final SMTPServer server;
    private final Drain drain = new Drain();
    private final ClientAdmission admission;
    private final MemoryBudget budget;
    private final SessionWatch watch;

    /**
     * @param sink where each received message goes; its verdict is the reply to the end of DATA
     */
    public IntakeServer(SmtpConfig config, MessageSink sink, Clock clock) {
        SmtpConfig.Limits limits = config.limits();
        this.admission = new ClientAdmission(config);
        this.budget = new MemoryBudget(limits.memoryBudget());
        // real elapsed time, whatever clock the relay's messages are dated by
        this.watch =
                new SessionWatch(
                        limits.commandDeadline(),
                        limits.minDataRate(),
                        limits.maxConnections(),
                        admission::openConnections,
                        System::nanoTime);
        admission.watchedBy(watch);
        Intake intake = new Intake(config, sink, new QueueIds(clock), budget, watch);
        Optional<InboundTls> tls = config.tls().map(t -> tls(config, t));
        Optional<SmtpUsers> users = config.authUsersFile().map(f -> users(config, f));
        SMTPServer.Builder builder =
                SMTPServer.port(config.listen().port())
                        .bindAddress(bindAddress(config))
                        .hostName(config.hostname())
                        .softwareName("mailseal")
                        .maxMessageSize((int) config.maxMessageSize())
                        .maxRecipients(-1) // RelayTransaction counts them, to answer 452 4.5.3
                        // one above ours, so that ClientAdmission gives the reply (the library's
                        // has no status code)
                        .maxConnections(limits.maxConnections() + 1)
                        .connectionTimeoutMs((int) limits.commandTimeout().toMillis())
                        .sessionHandler(admission)
                        // SubEthaSMTP hands its Session to the factory as the MessageContext
                        .messageHandlerFactory(
                                ctx ->
                                        drain.admit(
                                                () ->
                                                        new RelayTransaction(
                                                                intake,
                                                                (Session) ctx,
                                                                admission.nextTransaction(
                                                                        (Session) ctx))))
                        .enableTLS(tls.isPresent());
        tls.ifPresent(builder::startTlsSocketFactory);
        users.ifPresent(u -> builder.authenticationHandlerFactory(new SmtpAuthentication(u)));
        this.server = builder.build();
        IntakeCommands.install(server, watch, intake.budget(), config.key("memory-budget"));
    }

    /**
     * Opens {@code smtp.tls}'s certificate and key and {@code smtp.auth}'s users file as {@code
     * run} would, for check-config; a problem is a ConfigException naming the key. Returns a
     * one-line summary.
     */
    public static String check(SmtpConfig config) {
        String tls =
                config.tls().map(t -> tls(config, t)).isEmpty()
                        ? "off"
                        : config.tls().get().require() ? "required" : "offered";
        return "STARTTLS "
                + tls
                + ", AUTH "
                + config.authUsersFile()
                        .map(f -> users(config, f))
                        .map(u -> u.size() + " users")
                        .orElse("off");
    }

    private static InboundTls tls(SmtpConfig config, SmtpConfig.Tls tls) {
        return InboundTls.load(tls, config.section() + ".tls");
    }

    private static SmtpUsers users(SmtpConfig config, java.nio.file.Path file) {
        return SmtpUsers.load(file, config.section() + ".auth.users-file");
    }

    private static InetAddress bindAddress(SmtpConfig config) {
        String host = config.listen().host();
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    config.section() + ".listen: cannot resolve \"" + host + "\"", e);
        }
    }

    public IntakeServer start() {
        server.start();
        watch.start();
        return this;
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return server.getPortAllocated();
    }

    /** Whether the listener takes connections (for /ready). */
    public boolean serving() {
        return server.isRunning();
    }

    /** SMTP connections open now (for the sessions gauge). */
    public int openSessions() {
        return admission.openConnections();
    }

    /** Bytes of message content the sessions hold now (against {@code smtp.memory-budget}). */
    public long memoryInFlight() {
        return budget.reserved();
    }

    /** Messages answered {@code 452 4.3.1} because the memory budget was spent, since start. */
    public long memoryBudgetRefusals() {
        return budget.refusals();
    }

    /** Connections closed for being idle, slow or over the command deadline, since start. */
    public long slowClientsCut() {
        return watch.cuts();
    }

    /**
     * Stops taking new transactions (421 4.3.2), lets those under way finish for up to {@code
     * grace}, then closes the listener and every connection.
     */
    public void close(Duration grace) {
        if (!drain.drain(grace)) {
            log.warn(
                    "SMTP transactions still under way after {}: their clients get no reply and keep their mail",
                    grace);
        }
        watch.close();
        server.stop();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
