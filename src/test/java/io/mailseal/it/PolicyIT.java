package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.EmbeddedTsa;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.smtp.SmtpReply;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.RelayUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Policy outcomes over SMTP: sign-only fallback, refusal by rule, TSA fail-over. */
class PolicyIT {
    static final String POLICIES =
            """
            { name = statement, match { from = "statements@bank.example" }, action = encrypt,
              timestamp = required, on-missing-certificate = sign-only }
            { name = partners, match { to = "*@partner.example" }, action = reject }
            { name = default, action = pass }""";
    static final String ALICE = "alice@customer.example";
    static final String CAROL = "carol@customer.example";

    @RegisterExtension
    final RelayUnderTest relay = RelayUnderTest.withPolicies(POLICIES).customer(ALICE, KeyKind.RSA);

    Path dir;
    DemoWorld world;
    SubmissionClient bank;

    @BeforeEach
    void names() {
        dir = relay.dir();
        world = relay.world();
        bank = relay.bank();
    }

    static String statement(String subject) {
        return """
                From: Example Bank Statements <statements@bank.example>
                To: alice@customer.example, carol@customer.example
                Subject: %s
                Message-ID: <st-%d@bank.example>

                Your statement for November is ready. Balance: 1234.56 EUR.
                """
                .formatted(subject, System.nanoTime());
    }

    @Test
    void signOnlyFallbackSplitsIntoOneEncryptedAndOneSignedMessage() throws Exception {
        assertThat(
                        bank.send(
                                        "statements@bank.example",
                                        List.of(ALICE, CAROL),
                                        statement("November statement"))
                                .code())
                .isEqualTo(250);
        assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(10))).isTrue();
        CapturedMessage encrypted = arrivalFor(ALICE);
        CapturedMessage signed = arrivalFor(CAROL);
        assertThat(encrypted.text())
                .contains("enveloped-data")
                .doesNotContain("Balance")
                .doesNotContain("November statement");
        Path enc = Files.write(dir.resolve("alice.eml"), encrypted.content());
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-decrypt",
                "-in",
                enc.toString(),
                "-recip",
                "customers/" + ALICE + ".crt",
                "-inkey",
                "customers/" + ALICE + ".key",
                "-out",
                "alice.dec");
        assertThat(
                        ExternalTool.ok(
                                dir,
                                "openssl",
                                "cms",
                                "-verify",
                                "-in",
                                "alice.dec",
                                "-CAfile",
                                "certs/trust/ca.pem",
                                "-purpose",
                                "any"))
                .contains("Balance: 1234.56 EUR");

        // signed only: Subject stays visible, the headers are protected inside the signature
        assertThat(signed.text())
                .contains("multipart/signed")
                .contains("Subject: November statement");
        Path sig = Files.write(dir.resolve("carol.eml"), signed.content());
        String verified =
                ExternalTool.ok(
                        dir,
                        "openssl",
                        "cms",
                        "-verify",
                        "-in",
                        sig.toString(),
                        "-CAfile",
                        "certs/trust/ca.pem",
                        "-purpose",
                        "any");
        assertThat(verified).contains("Balance: 1234.56 EUR");
        assertThat(signed.text()).containsPattern("hp=\"?clear").doesNotContain("HP-Outer");
        TimestampCheck.opensslVerifiesToken(dir, sig, Instant.now());
    }

    @Test
    void tamperedSubjectOfSignedMailIsDetectedBecauseHeadersAreInsideTheSignature()
            throws Exception {
        assertThat(
                        bank.send(
                                        "statements@bank.example",
                                        List.of(CAROL),
                                        statement("Statement 11/2026"))
                                .code())
                .isEqualTo(250);
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        String sent = world.sink().messages().get(0).text();
        String subject = "\r\nSubject: Statement 11/2026\r\n";
        int inner = sent.indexOf(subject, sent.indexOf(subject) + 1);
        assertThat(inner).as("a protected copy of the Subject inside the signed part").isPositive();
        String tampered =
                sent.substring(0, inner)
                        + "\r\nSubject: Pay now to IBAN X\r\n"
                        + sent.substring(inner + subject.length());
        Path f =
                Files.writeString(
                        dir.resolve("tampered.eml"),
                        tampered,
                        java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(
                        ExternalTool.run(
                                        dir,
                                        "openssl",
                                        "cms",
                                        "-verify",
                                        "-in",
                                        f.toString(),
                                        "-CAfile",
                                        "certs/trust/ca.pem",
                                        "-purpose",
                                        "any")
                                .exitCode())
                .isNotZero();
    }

    @Test
    void ruleRefusalNamesThePolicyAndSendsNothing() throws Exception {
        SubmissionClient.Reply r =
                bank.send(
                        "news@bank.example",
                        List.of("x@partner.example"),
                        "Subject: internal\r\n\r\nnot for partners\r\n");
        assertThat(r.line())
                .isEqualTo(SmtpReply.REFUSED_BY_POLICY.line("<x@partner.example>", "partners"));
        assertThat(relay.othersWhenControlArrived()).as("nothing of the refused message").isEmpty();
    }

    @Test
    void deadTsaIsSkippedAfterItsFirstFailure() throws Exception {
        DemoPki.Issued second = world.pki().timestampAuthority("second TSA");
        try (EmbeddedTsa backup =
                new EmbeddedTsa(
                        second.key(),
                        second.certificate(),
                        List.of(world.pki().ca().certificate()),
                        Clock.systemUTC())) {
            world.tsa().setDown(true);
            String conf =
                    "timestamp.urls = [\"" + world.tsa().url() + "\", \"" + backup.url() + "\"]";
            relay.restart(conf);
            SubmissionClient bank = relay.bank();
            assertThat(bank.send("statements@bank.example", List.of(ALICE), statement("s1")).code())
                    .isEqualTo(250);
            assertThat(world.tsa().requests()).isEqualTo(1);
            assertThat(backup.requests()).isEqualTo(1);
            assertThat(bank.send("statements@bank.example", List.of(ALICE), statement("s2")).code())
                    .isEqualTo(250);
            assertThat(world.tsa().requests()).as("dead TSA skipped while backed off").isEqualTo(1);
            assertThat(backup.requests()).isEqualTo(2);
            // delivered before the relay stops: a stop leaves queued mail in the spool for the next
            // start
            assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void bestEffortTimestampSendsWithoutTheStampWhenEveryTsaIsDown() throws Exception {
        world.tsa().setDown(true);
        String policies =
                """
                { name = notice, match { from = "notices@bank.example" }, action = sign, timestamp = best-effort }""";
        relay.restart(policies, "");
        SubmissionClient.Reply r =
                relay.bank()
                        .send(
                                "notices@bank.example",
                                List.of(CAROL),
                                "From: notices@bank.example\r\nBcc: hidden@bank.example\r\nSubject: Notice\r\n"
                                        + "\r\nBranch closed on Friday.\r\n");
        assertThat(r.code()).isEqualTo(250);
        assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(10))).isTrue();
        CapturedMessage m = world.sink().messages().get(0);
        assertThat(m.text()).doesNotContain("hidden@bank.example").contains("multipart/signed");
        Path f = Files.write(dir.resolve("notice.eml"), m.content());
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-verify",
                "-in",
                f.toString(),
                "-CAfile",
                "certs/trust/ca.pem",
                "-purpose",
                "any");
        ExternalTool.ok(
                dir,
                "openssl",
                "cms",
                "-cmsout",
                "-in",
                f.toString(),
                "-inform",
                "SMIME",
                "-outform",
                "DER",
                "-out",
                "notice.p7s");
        assertThat(
                        ExternalTool.ok(
                                dir,
                                "openssl",
                                "cms",
                                "-cmsout",
                                "-print",
                                "-in",
                                "notice.p7s",
                                "-inform",
                                "DER"))
                .as("no timestamp token")
                .doesNotContain("id-smime-aa-timeStampToken");
    }

    private CapturedMessage arrivalFor(String rcpt) {
        return world.sink().messages().stream()
                .filter(m -> m.recipients().equals(List.of(rcpt)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing arrived for " + rcpt));
    }
}
