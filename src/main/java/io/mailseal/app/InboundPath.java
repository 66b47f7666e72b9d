package io.mailseal.app;

import io.mailseal.admin.RelayMetrics;
import io.mailseal.config.ConfigException;
import io.mailseal.config.DeliveryConfig;
import io.mailseal.config.InboundConfig;
import io.mailseal.config.MtaStsConfig;
import io.mailseal.config.RelayConfig;
import io.mailseal.delivery.DeliveryEvidence;
import io.mailseal.delivery.DeliveryScheduler;
import io.mailseal.delivery.NextHopClient;
import io.mailseal.delivery.Outbox;
import io.mailseal.delivery.Router;
import io.mailseal.delivery.TlsLevels;
import io.mailseal.inbound.DecryptionKeys;
import io.mailseal.inbound.InboundContent;
import io.mailseal.smtp.IntakeServer;
import io.mailseal.smtp.MessageSink;
import io.mailseal.spool.Spool;
import io.mailseal.spool.SpooledMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The inbound path's parts that live as long as the process: its own spool ({@code
 * <spool.directory>/inbound}: what arrived, ciphertext as it came, with its verdict), a delivery
 * scheduler to {@code inbound.next-hop} that decrypts each message again in memory when it sends it
 * ({@link InboundContent}), and the second listener. The pipeline at its end of DATA belongs to the
 * {@link SealingStage} (it follows a reload).
 */
final class InboundPath implements AutoCloseable {
    private final InboundConfig config;
    private final DeliveryScheduler scheduler;
    private final Outbox outbox;
    private final List<SpooledMessage> left;
    private IntakeServer intake;

    private InboundPath(
            InboundConfig config,
            DeliveryScheduler scheduler,
            Outbox outbox,
            List<SpooledMessage> left) {
        this.config = config;
        this.scheduler = scheduler;
        this.outbox = outbox;
        this.left = left;
    }

    static InboundPath open(
            RelayConfig relay,
            InboundConfig config,
            ValidatedConfig validated,
            Clock clock,
            RelayMetrics metrics,
            DecryptionKeys keys,
            DeliveryEvidence evidence) {
        Spool spool;
        List<SpooledMessage> left;
        try {
            spool = new Spool(relay.spoolDirectory().resolve("inbound"));
            left = spool.recover();
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(
                            "mailseal.spool.directory: \""
                                    + relay.spoolDirectory().resolve("inbound")
                                    + "\" cannot be used for inbound mail: "
                                    + Problems.reason(e)));
        }
        DeliveryConfig d = toNextHop(relay.delivery(), config);
        TlsLevels levels = new TlsLevels(d.tls(), d.dsnTls().orElse(d.tls()), List.of());
        DeliveryScheduler scheduler =
                new DeliveryScheduler(
                        spool,
                        Router.of(d, validated.dns(), Optional.empty()),
                        new NextHopClient(
                                d,
                                config.intake().hostname(),
                                validated.outboundTls(),
                                levels,
                                validated.dns(),
                                metrics,
                                clock),
                        d,
                        config.intake().hostname(),
                        clock,
                        metrics,
                        new InboundContent(keys, config.authservId()),
                        evidence);
        return new InboundPath(config, scheduler, new Outbox(spool, scheduler), left);
    }

    /** {@code delivery} as the relay's, but always to the one next hop inside the bank. */
    private static DeliveryConfig toNextHop(DeliveryConfig d, InboundConfig config) {
        return new DeliveryConfig(
                DeliveryConfig.Mode.SMARTHOST,
                config.nextHop(),
                d.mxPort(),
                d.tls(),
                d.tlsTrustAnchors(),
                d.connections(),
                d.retryInitial(),
                d.retryMax(),
                d.maxAge(),
                d.timeout(),
                d.shutdownGrace(),
                d.dsnTls(),
                MtaStsConfig.off()); // MTA-STS is for MX delivery to other domains
    }

    Outbox outbox() {
        return outbox;
    }

    String authservId() {
        return config.authservId();
    }

    /** Starts the listener, then queues what a previous run left in the inbound spool. */
    void listen(MessageSink sink, Clock clock) {
        intake = new IntakeServer(config.intake(), sink, clock);
        StartSteps.listen(intake, "mailseal.inbound.listen", config.intake().listen());
        scheduler.recover(left);
    }

    /** Makes every message waiting in the inbound spool due now; how many. */
    int flush() {
        return scheduler.flush();
    }

    int port() {
        return intake.port();
    }

    /** For /ready: the inbound listener must be serving. */
    Optional<String> readinessProblem() {
        return intake != null && intake.serving()
                ? Optional.empty()
                : Optional.of("the inbound listener is not serving on " + config.intake().listen());
    }

    void close(Duration grace) {
        if (intake != null) {
            intake.close(grace);
        }
        scheduler.close();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }
}
