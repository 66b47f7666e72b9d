package io.mailseal.app;

import io.mailseal.admin.AdminServer;
import io.mailseal.admin.RelayControl;
import io.mailseal.admin.RelayMetrics;
import io.mailseal.config.ConfigException;
import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.HostPort;
import io.mailseal.config.RelayConfig;
import io.mailseal.delivery.DeliveryEvidence;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.delivery.NextHopClient;
import io.mailseal.delivery.Router;
import io.mailseal.delivery.SpooledContent;
import io.mailseal.delivery.TlsLevels;
import io.mailseal.evidence.Journal;
import io.mailseal.smtp.IntakeServer;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import io.mailseal.store.Database;
import io.mailseal.store.PostgresCertificates;
import io.mailseal.store.PostgresEvidence;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a start that touch the machine (the spool directory, the listeners), each turning
 * its failure into a one-line problem that names the key and the value, as a configuration error
 * does.
 */
final class StartSteps {
    private static final Logger log = LoggerFactory.getLogger(StartSteps.class);

    private StartSteps() {}

    static Spool openSpool(RelayConfig config) {
        try {
            return new Spool(config.spoolDirectory());
        } catch (IOException e) {
            throw spoolProblem(config, e);
        }
    }

    static List<SpooledMessage> recover(Spool spool, RelayConfig config) {
        try {
            return spool.recover();
        } catch (IOException e) {
            throw spoolProblem(config, e);
        }
    }

    static void logListening(RelayConfig config, int port) {
        log.info(
                "listening on {}:{}, next hop {}",
                config.smtp().listen().host(),
                port,
                config.delivery().mode() == DeliveryConfig.Mode.MX
                        ? "by MX"
                        : config.delivery().smarthost());
    }

    /**
     * Delivery from the spool: routing and the next-hop client of the start (a reload changes only
     * the policies' delivery-tls, through {@code tlsLevels}).
     */
    static DeliveryScheduler scheduler(
            ValidatedConfig validated,
            Spool spool,
            TlsLevels tlsLevels,
            RelayMetrics metrics,
            Clock clock,
            DeliveryEvidence evidence) {
        RelayConfig config = validated.config();
        return new DeliveryScheduler(
                spool,
                Router.of(config.delivery(), validated.dns(), validated.mtaSts()),
                new NextHopClient(
                        config.delivery(),
                        config.smtp().hostname(),
                        validated.outboundTls(),
                        tlsLevels,
                        validated.dns(),
                        metrics,
                        clock),
                config.delivery(),
                config.smtp().hostname(),
                clock,
                metrics,
                SpooledContent.AS_SPOOLED,
                evidence);
    }

    /**
     * The evidence journal when {@code evidence.enabled}: this node's chain in the shared database
     * when there is one (its tail read when the database answers, else at the first write), else
     * the embedded files with their tail read and any torn record cut.
     */
    static Optional<Journal> openJournal(
            RelayConfig config, Optional<Database> database, Clock clock) {
        if (!config.evidence().enabled()) {
            return Optional.empty();
        }
        try {
            if (database.isEmpty()) {
                return Optional.of(Journal.open(config.evidence().directory(), clock));
            }
            Database db = database.get();
            return Optional.of(
                    new Journal(
                            new PostgresEvidence(db, db.node()),
                            new PostgresCertificates(db),
                            clock));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    List.of(
                            "mailseal.evidence.directory: \""
                                    + config.evidence().directory()
                                    + "\" cannot be used: "
                                    + Problems.reason(e)));
        }
    }

    private static ConfigException spoolProblem(RelayConfig config, IOException e) {
        return new ConfigException(
                List.of(
                        "mailseal.spool.directory: \""
                                + config.spoolDirectory()
                                + "\" cannot be used: "
                                + Problems.reason(e)));
    }

    /**
     * SubEthaSMTP reports a port it cannot bind as a RuntimeException around the BindException;
     * {@code key} names the listener's setting.
     */
    static void listen(IntakeServer intake, String key, HostPort listen) {
        try {
            intake.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigException(
                    List.of(key + ": cannot serve on " + listen + ": " + cause.getMessage()));
        }
    }

    static AdminServer adminServer(
            RelayConfig config,
            RelayMetrics metrics,
            RelayControl relay,
            ValidatedConfig validated) {
        try {
            return new AdminServer(config.adminListen(), metrics, relay, validated.adminToken());
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(
                            "mailseal.admin.listen: cannot serve on "
                                    + config.adminListen()
                                    + ": "
                                    + Problems.reason(e)));
        }
    }
}
