package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.RelayUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The evidence journal of a running relay: a one-time code is accepted, sealed and delivered; the
 * journal holds the acceptance and delivery records and neither the code nor the Subject; {@code
 * mailseal evidence verify} passes; the bundle {@code evidence export} writes is checked by running
 * the exact commands of its README (openssl and coreutils), including the SHA-256 of the message
 * the next hop received.
 */
class EvidenceIT {
    private static final String CODE = "493817";
    private static final String SUBJECT = "Your sign-in code";

    @RegisterExtension
    final RelayUnderTest relay =
            RelayUnderTest.withPolicies(BankMail.POLICIES)
                    .customer(BankMail.ALICE, KeyKind.RSA)
                    .config("evidence.enabled = true");

    @Test
    void aSealedCodeIsProvenByTheExportedBundleWithOpensslAlone() throws Exception {
        String mail = BankMail.otp(BankMail.ALICE, CODE);
        Matcher id = Pattern.compile("Message-ID: <([^>]+)>").matcher(mail);
        assertThat(id.find()).isTrue();
        assertThat(relay.bank().send(DemoWorld.BANK_SENDER, List.of(BankMail.ALICE), mail).code())
                .isEqualTo(250);
        Eventually.await(
                "the code delivered",
                Duration.ofSeconds(30),
                () -> relay.sink().messages().size() == 1);
        CapturedMessage delivered = relay.sink().messages().get(0);
        relay.restart("evidence.enabled = true"); // the stop anchors the chain head
        Path conf = relay.dir().resolve("relay.conf");

        Path evidence = relay.dir().resolve("evidence");
        assertThat(journalText(evidence)).doesNotContain(CODE).doesNotContain(SUBJECT);

        CommandLineIT.Run verify =
                CommandLineIT.mailseal("evidence", "verify", "-c", conf.toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("chain OK").contains("0 record(s) after the last anchor");

        CommandLineIT.Run find =
                CommandLineIT.mailseal(
                        "evidence", "find", "-c", conf.toString(), "--message-id", id.group(1));
        assertThat(find.out())
                .contains("accepted")
                .contains("delivered")
                .contains("<" + BankMail.ALICE + ">")
                .contains("reply=250")
                .contains("2 record(s)");

        Path zip = relay.dir().resolve("proof.zip");
        CommandLineIT.Run export =
                CommandLineIT.mailseal(
                        "evidence",
                        "export",
                        "-c",
                        conf.toString(),
                        "--message-id",
                        "<" + id.group(1) + ">",
                        "-o",
                        zip.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        Path bundle = unzip(zip, relay.dir().resolve("bundle"));
        Files.write(bundle.resolve("message.eml"), delivered.content());
        String readme = Files.readString(bundle.resolve("README.txt"));
        assertThat(readme)
                .contains(
                        HexFormat.of()
                                .formatHex(
                                        MessageDigest.getInstance("SHA-256")
                                                .digest(delivered.content())));
        List<String> commands =
                readme.lines().filter(l -> l.startsWith("$ ")).map(l -> l.substring(2)).toList();
        assertThat(commands)
                .anyMatch(c -> c.startsWith("openssl ts -verify -data"))
                .anyMatch(c -> c.startsWith("openssl ts -verify -digest"))
                .anyMatch(c -> c.contains("sha256sum -c"));
        StringBuilder outputs = new StringBuilder();
        for (String c : commands) {
            ExternalTool.Result r = ExternalTool.run(bundle, "sh", "-c", c);
            assertThat(r.exitCode()).as("%s%n%s", c, r.output()).isZero();
            outputs.append(r.output());
        }
        assertThat(outputs.toString())
                .contains("chain OK")
                .contains("Verification: OK")
                .contains("message.eml: OK");
    }

    @Test
    void aTamperedJournalFailsVerifyNamingThePosition() throws Exception {
        for (int i = 0; i < 3; i++) {
            relay.bank()
                    .send(
                            DemoWorld.BANK_SENDER,
                            List.of(BankMail.ALICE),
                            BankMail.otp(BankMail.ALICE, "11111" + i));
        }
        Eventually.await(
                "three delivered",
                Duration.ofSeconds(30),
                () -> relay.sink().messages().size() == 3);
        relay.restart("evidence.enabled = true");
        Path conf = relay.dir().resolve("relay.conf");
        Path day;
        try (Stream<Path> days = Files.list(relay.dir().resolve("evidence/journal"))) {
            day = days.sorted().reduce((a, b) -> b).orElseThrow();
        }
        List<String> lines = Files.readAllLines(day, StandardCharsets.ISO_8859_1);
        int accepted =
                lines.indexOf(
                        lines.stream()
                                .filter(l -> l.contains("\"outcome\":\"accepted\""))
                                .skip(1)
                                .findFirst()
                                .orElseThrow());
        lines.set(
                accepted, lines.get(accepted).replace(BankMail.ALICE, "mallory@customer.example"));
        Files.write(day, lines, StandardCharsets.ISO_8859_1);
        CommandLineIT.Run verify =
                CommandLineIT.mailseal("evidence", "verify", "-c", conf.toString());
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.out()).contains("BROKEN at position " + accepted + ":");
    }

    @Test
    void aJournalThatCannotBeWrittenRefusesMail451AndMakesTheRelayNotReady() throws Exception {
        relay.world().addCustomer(BankMail.BOB, KeyKind.RSA);
        Path certificates = relay.dir().resolve("evidence/certificates");
        try (Stream<Path> files = Files.list(certificates)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(certificates);
        Files.writeString(certificates, "not a directory"); // Bob's certificate cannot be kept
        SubmissionClient.Reply reply =
                relay.bank()
                        .send(
                                DemoWorld.BANK_SENDER,
                                List.of(BankMail.BOB),
                                BankMail.otp(BankMail.BOB, CODE));
        assertThat(reply.code()).isEqualTo(451);
        assertThat(reply.text()).contains("4.3.0");
        HttpResponse<String> ready =
                AdminPort.get(relay.relay().adminPort(), "/ready", Duration.ofSeconds(5));
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"evidence\"").contains("cannot be written");
        assertThat(relay.relay().readinessProblems()).containsKey("evidence");
        assertThat(relay.dir().resolve("spool/queue")).as("nothing queued").isEmptyDirectory();
    }

    /** Every file of the evidence directory (records and certificates) as text. */
    private static String journalText(Path evidence) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(evidence)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(all).as("the journal holds records").contains("\"outcome\":\"accepted\"");
        return all.toString();
    }

    private static Path unzip(Path zip, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                Path target = into.resolve(e.getName()).normalize();
                assertThat(target.startsWith(into)).as(e.getName()).isTrue();
                Files.createDirectories(target.getParent());
                Files.copy(z, target);
            }
        }
        return into;
    }
}
