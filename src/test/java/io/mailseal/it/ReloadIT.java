package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigException;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.RelayProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One validation for check-config, run and reload: the same broken files are refused by all three
 * with the same messages; a reload by SIGHUP or by {@code mailseal reload} applies a good edit and
 * refuses a bad one while the relay keeps running on what it had.
 */
class ReloadIT {
    static final String PASS = "{ name = default, action = pass }";
    static final String REJECT_PARTNERS =
            """
            { name = partners, match { to = "*@partner.example" }, action = reject }
            { name = default, action = pass }""";
    static final String MAIL = "Subject: hello\r\n\r\nhi\r\n";
    static final String PARTNER = "x@partner.example";

    @TempDir Path dir;

    /** Broken files, each with the problem every one of the three must name. */
    static final Map<String, String> BROKEN =
            Map.of(
                    "{ name = default, action = maybe }",
                    "mailseal.policies[0].action: \"maybe\" is not one of encrypt | sign | pass | reject",
                    "{ name = st, match { from = \"statements@other.example\" }, action = sign, timestamp = off }\n"
                            + PASS,
                    "mailseal.policies[0].match.from: \"statements@other.example\" (policy st, action sign) has no signing"
                            + " identity in mailseal.identities",
                    "{ name = other, match { from = \"*@other.example\" }, action = encrypt }\n"
                            + PASS,
                    "mailseal.policies[0].match.from: \"*@other.example\" (policy other, action encrypt) has no signing"
                            + " identity for the domain in mailseal.identities",
                    "{ name = nobody, match { from = \"nobody@bank.example\" }, action = sign, timestamp = off }\n"
                            + PASS,
                    "mailseal.policies[0].match.from: \"nobody@bank.example\" (policy nobody, action sign) is signed"
                            + " with mailseal.identities[0] (\"{dir}/keys/bank.p12\"), whose certificate names"
                            + " otp@bank.example, statements@bank.example, service@bank.example,"
                            + " notices@bank.example: customers' clients would flag the signature; put the"
                            + " sender in the certificate or set allow-signer-mismatch = true");

    @Test
    void checkConfigRunAndReloadRefuseTheSameBrokenFilesWithTheSameMessages() throws Exception {
        // mailseal reload finds the relay by admin.listen: a fixed port, not 0
        String admin = "admin.listen = \"127.0.0.1:" + LoopbackPorts.free() + "\"";
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                Relay relay =
                        Relay.start(
                                ConfigLoader.load(world.writeConfig(PASS, admin)),
                                Clock.systemUTC())) {
            SubmissionClient bank = new SubmissionClient("127.0.0.1", relay.port());
            for (Map.Entry<String, String> broken : BROKEN.entrySet()) {
                Path conf =
                        world.writeConfig(
                                broken.getKey(), admin + "\ncertificates.trust-anchors = nowhere");
                String anchors =
                        "mailseal.certificates.trust-anchors: \""
                                + dir.resolve("nowhere")
                                + "\" does not exist";
                String problem = broken.getValue().replace("{dir}", dir.toString());
                List<String> expected =
                        problem.contains("is not one of")
                                ? List.of(problem)
                                : List.of(anchors, problem);

                CommandLineIT.Run check =
                        CommandLineIT.mailseal("check-config", "-c", conf.toString());
                assertThat(check.exit()).isEqualTo(1);
                assertThat(
                                check.err()
                                        .lines()
                                        .filter(l -> l.startsWith("config error: "))
                                        .map(l -> l.substring("config error: ".length())))
                        .containsExactlyInAnyOrderElementsOf(expected);

                assertThatThrownBy(
                                () ->
                                        Relay.start(ConfigLoader.load(conf), Clock.systemUTC())
                                                .close())
                        .isInstanceOfSatisfying(
                                ConfigException.class,
                                e ->
                                        assertThat(e.problems())
                                                .containsExactlyInAnyOrderElementsOf(expected));

                assertThat(relay.reload()).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(bank.send("news@bank.example", List.of(PARTNER), MAIL).code())
                        .as("still running on the configuration it had")
                        .isEqualTo(250);

                HttpResponse<String> api =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + relay.adminPort()
                                                                        + "/v1/reload"))
                                                .POST(BodyPublishers.noBody())
                                                .build(),
                                        BodyHandlers.ofString());
                assertThat(api.statusCode()).isEqualTo(422);
                assertThat(api.body())
                        .startsWith("{\"reloaded\":false,\"problems\":[\"mailseal.")
                        .contains(expected.get(0).replace("\"", "\\\""));

                CommandLineIT.Run reload = CommandLineIT.mailseal("reload", "-c", conf.toString());
                assertThat(reload.exit()).isEqualTo(1);
                assertThat(
                                reload.err()
                                        .lines()
                                        .filter(l -> l.startsWith("config error: "))
                                        .map(l -> l.substring("config error: ".length())))
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
        }
    }

    @Test
    void sighupAndMailsealReloadApplyAGoodEditAndRefuseABadOne() throws Exception {
        int smtp = LoopbackPorts.free();
        int admin = LoopbackPorts.free();
        String listen =
                "smtp.listen = \"127.0.0.1:"
                        + smtp
                        + "\"\nadmin.listen = \"127.0.0.1:"
                        + admin
                        + "\"";
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Path conf = world.writeConfig(PASS, listen);
            Path log = dir.resolve("relay.log");
            try (RelayProcess relay = RelayProcess.start(conf, smtp, log)) {
                SubmissionClient bank = new SubmissionClient("127.0.0.1", smtp);
                assertThat(bank.send("news@bank.example", List.of(PARTNER), MAIL).code())
                        .isEqualTo(250);

                world.writeConfig(REJECT_PARTNERS, listen);
                relay.hangUp();
                String refused =
                        Eventually.value(
                                "the rule read on SIGHUP in force",
                                Duration.ofSeconds(20),
                                () -> bank.send("news@bank.example", List.of(PARTNER), MAIL).line(),
                                l -> !l.startsWith("250"));
                assertThat(SmtpReply.REFUSED_BY_POLICY.matches(refused)).as(refused).isTrue();

                world.writeConfig(PASS, listen);
                CommandLineIT.Run good = CommandLineIT.mailseal("reload", "-c", conf.toString());
                assertThat(good.exit()).as(good.err()).isZero();
                assertThat(good.out()).contains("relay.conf reloaded");
                assertThat(bank.send("news@bank.example", List.of(PARTNER), MAIL).code())
                        .isEqualTo(250);

                world.writeConfig(
                        REJECT_PARTNERS.replace("action = reject", "action = maybe"), listen);
                CommandLineIT.Run bad = CommandLineIT.mailseal("reload", "-c", conf.toString());
                assertThat(bad.exit()).isEqualTo(1);
                assertThat(bad.err())
                        .contains("config error: mailseal.policies[0].action: \"maybe\"");
                relay.hangUp();
                Eventually.await(
                        "the SIGHUP refusal logged",
                        Duration.ofSeconds(20),
                        () ->
                                relay.log()
                                        .contains(
                                                "relay.conf not reloaded, the running configuration stays: mailseal.policies[0]"));
                assertThat(bank.send("news@bank.example", List.of(PARTNER), MAIL).code())
                        .as("still running on the configuration it had")
                        .isEqualTo(250);
                assertThat(relay.isAlive()).isTrue();
            }
        }
    }
}
