package io.mailseal.it;

import static io.mailseal.testing.BankMail.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.RelayProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the intake against the real jar in its own JVM with the shipped options ({@code -Xmx1g
 * -XX:+ExitOnOutOfMemoryError}): after each, the process still runs, a one-time code sent right
 * after is accepted and delivered, what was accepted before arrived, and no code is in the log.
 */
abstract class IntakeAttackIT {
    @TempDir Path dir;
    DemoWorld world;
    RelayProcess relay;
    int smtp;
    int admin;

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        world.addCustomer(ALICE, KeyKind.RSA);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        world.close();
    }

    /** The relay as a process, with {@code smtp} HOCON in its smtp section. */
    void start(String smtpLimits) throws Exception {
        start(smtpLimits, List.of());
    }

    /** As {@link #start(String)}, with {@code jvmOptions} after the shipped ones. */
    void start(String smtpLimits, List<String> jvmOptions) throws Exception {
        smtp = LoopbackPorts.free();
        admin = LoopbackPorts.free();
        Path conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        "smtp { listen = \"127.0.0.1:%d\", %s }\nadmin.listen = \"127.0.0.1:%d\""
                                .formatted(smtp, smtpLimits, admin));
        relay = RelayProcess.start(conf, smtp, dir.resolve("relay.log"), jvmOptions);
    }

    /**
     * A plain message (policy {@code default = pass}) to {@code to}, accepted before an attack; the
     * test checks afterwards that it arrived.
     */
    void acceptedBefore(String to) throws Exception {
        SubmissionClient.Reply reply =
                new SubmissionClient("127.0.0.1", smtp)
                        .send(
                                "news@bank.example",
                                List.of(to),
                                "From: news@bank.example\r\nTo: "
                                        + to
                                        + "\r\nSubject: before\r\n\r\naccepted before\r\n");
        assertThat(reply.code()).as(reply.line()).isEqualTo(250);
    }

    /** A gauge of the relay's /metrics. */
    double metric(String name) throws Exception {
        String body =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:" + admin + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /**
     * The relay survived: a one-time code sent now is accepted and arrives encrypted, and the log
     * holds no code; returns every message at the sink.
     */
    List<CapturedMessage> controlOtpArrives() throws Exception {
        assertThat(relay.isAlive()).as("the relay process runs").isTrue();
        String code = "0" + (100000 + (System.nanoTime() % 900000));
        int before = world.sink().messages().size();
        SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);
        SubmissionClient.Reply reply =
                bank.send(DemoWorld.BANK_SENDER, List.of(ALICE), BankMail.otp(ALICE, code));
        assertThat(SmtpReply.QUEUED.matches(reply.line())).as(reply.line()).isTrue();
        List<CapturedMessage> all =
                Eventually.value(
                        "the control one-time code at the sink",
                        Duration.ofSeconds(30),
                        () -> world.sink().messages(),
                        ms ->
                                ms.stream()
                                        .skip(before)
                                        .anyMatch(m -> m.recipients().contains(ALICE)));
        CapturedMessage otp =
                all.stream()
                        .skip(before)
                        .filter(m -> m.recipients().contains(ALICE))
                        .findFirst()
                        .orElseThrow();
        assertThat(otp.text()).contains("smime-type=enveloped-data").doesNotContain(code);
        assertThat(relay.log()).doesNotContain(code);
        assertThat(relay.isAlive()).isTrue();
        return all;
    }
}
