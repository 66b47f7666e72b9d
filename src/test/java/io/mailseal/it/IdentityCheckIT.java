package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.mailseal.app.Relay;
import io.mailseal.config.ConfigException;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CertificateSpec;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check-config and run refuse a signing certificate that would make customers' clients reject the
 * bank's mail (expired, not yet valid, not naming the sender, unfit for signing, not the key's),
 * with the same one-line problems; one ending soon is a warning.
 */
class IdentityCheckIT {
    static final String STATEMENTS =
            """
            { name = statement, match { from = "statements@bank.example" }, action = sign, timestamp = off }
            { name = default, action = pass }""";

    @TempDir Path dir;
    DemoWorld world;
    Path keystore;
    final Instant now = Instant.now();

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
        keystore = dir.resolve("keys/bank.p12");
    }

    @AfterEach
    void close() {
        world.close();
    }

    /** The bank's keystore replaced by {@code key} and a certificate shaped by {@code spec}. */
    private Issued bankSigner(UnaryOperator<CertificateSpec> spec) throws Exception {
        Issued issued =
                spec.apply(
                                world.pki()
                                        .certificate(DemoWorld.BANK_SENDER, KeyKind.RSA)
                                        .keyUsage(KeyUsage.digitalSignature))
                        .build();
        writeKeystore(issued);
        return issued;
    }

    private void writeKeystore(Issued issued) throws Exception {
        PkiFiles.writePkcs12(
                keystore,
                issued,
                List.of(world.pki().ca().certificate()),
                "demo-only-password".toCharArray());
    }

    /** check-config exits 1 with exactly {@code problems}; run refuses with the same. */
    private void refusedByCheckConfigAndRun(String policies, String... problems) throws Exception {
        Path conf = world.writeConfig(policies);
        CommandLineIT.Run check = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(check.exit()).as(check.err()).isEqualTo(1);
        assertThat(check.err().lines())
                .allMatch(l -> l.startsWith("config error: "))
                .map(l -> l.substring("config error: ".length()))
                .containsExactlyInAnyOrder(problems);
        assertThat(check.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThatThrownBy(() -> Relay.start(ConfigLoader.load(conf), Clock.systemUTC()).close())
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems()).containsExactlyInAnyOrder(problems));
    }

    private String keystoreKey() {
        return "mailseal.identities[0].keystore: \"" + keystore + "\" ";
    }

    @Test
    void anExpiredSigningCertificateIsAnError() throws Exception {
        Instant end =
                now.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued signer = bankSigner(s -> s.validity(now.minus(Duration.ofDays(400)), end));
        refusedByCheckConfigAndRun(
                BankMail.POLICIES,
                keystoreKey()
                        + "certificate "
                        + signer.certificate().getSubjectX500Principal().getName()
                        + " expired on "
                        + end);
    }

    @Test
    void aSigningCertificateNotYetValidIsAnError() throws Exception {
        Instant start =
                now.plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued signer = bankSigner(s -> s.validity(start, now.plus(Duration.ofDays(400))));
        refusedByCheckConfigAndRun(
                BankMail.POLICIES,
                keystoreKey()
                        + "certificate "
                        + signer.certificate().getSubjectX500Principal().getName()
                        + " is not valid before "
                        + start);
    }

    @Test
    void aSigningCertificateThatDoesNotNameThePolicysSenderIsAnErrorUnlessThePolicyAllowsIt()
            throws Exception {
        bankSigner(s -> s); // names otp@bank.example only
        refusedByCheckConfigAndRun(
                STATEMENTS,
                "mailseal.policies[0].match.from: \"statements@bank.example\" (policy statement,"
                        + " action sign) is signed with mailseal.identities[0] (\""
                        + keystore
                        + "\"), whose certificate names otp@bank.example: customers' clients would"
                        + " flag the signature; put the sender in the certificate or set"
                        + " allow-signer-mismatch = true");
        Path allowed =
                world.writeConfig(
                        STATEMENTS.replace(
                                "timestamp = off",
                                "timestamp = off, allow-signer-mismatch = true"));
        CommandLineIT.Run ok = CommandLineIT.mailseal("check-config", "-c", allowed.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
    }

    @Test
    void aDomainPolicyNeedsACertificateWithAnAddressInThatDomain() throws Exception {
        writeKeystore(world.pki().signer("noreply@other.example", KeyKind.RSA));
        refusedByCheckConfigAndRun(
                """
                { name = bank, match { from = "*@bank.example" }, action = sign, timestamp = off }""",
                "mailseal.policies[0].match.from: \"*@bank.example\" (policy bank, action sign) is"
                        + " signed with mailseal.identities[0] (\""
                        + keystore
                        + "\"), whose certificate names noreply@other.example: customers' clients"
                        + " would flag the signature; put the sender in the certificate or set"
                        + " allow-signer-mismatch = true");
    }

    @Test
    void aCertificateUnfitForSigningMailIsAnError() throws Exception {
        Issued encryptOnly = bankSigner(s -> s.keyUsage(KeyUsage.keyEncipherment));
        refusedByCheckConfigAndRun(
                BankMail.POLICIES,
                keystoreKey()
                        + "certificate "
                        + encryptOnly.certificate().getSubjectX500Principal().getName()
                        + " has a keyUsage without digitalSignature or nonRepudiation: it may not"
                        + " sign mail");
        Issued tlsOnly = bankSigner(s -> s.eku(KeyPurposeId.id_kp_serverAuth));
        refusedByCheckConfigAndRun(
                BankMail.POLICIES,
                keystoreKey()
                        + "certificate "
                        + tlsOnly.certificate().getSubjectX500Principal().getName()
                        + " has an extendedKeyUsage without emailProtection: clients reject it for"
                        + " S/MIME");
    }

    @Test
    void aKeystoreWhoseKeyIsNotTheCertificatesIsAnError() throws Exception {
        Issued signer = world.pki().signer(DemoWorld.BANK_SENDER, KeyKind.RSA);
        Issued other = world.pki().customer("someone@bank.example", KeyKind.RSA);
        writeKeystore(new Issued(other.key(), signer.certificate()));
        refusedByCheckConfigAndRun(
                BankMail.POLICIES,
                keystoreKey()
                        + "holds a private key that is not the key of its certificate "
                        + signer.certificate().getSubjectX500Principal().getName());
    }

    @Test
    void aCertificateEndingWithinThirtyDaysIsAWarningAndTheFileStillPasses() throws Exception {
        Issued signer =
                bankSigner(
                        s ->
                                s.validity(
                                        now.minus(Duration.ofDays(300)),
                                        now.plus(Duration.ofDays(10))));
        CommandLineIT.Run r =
                CommandLineIT.mailseal(
                        "check-config", "-c", world.writeConfig(BankMail.POLICIES).toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(": ok");
        assertThat(r.err())
                .startsWith(
                        "config warning: "
                                + keystoreKey()
                                + "certificate "
                                + signer.certificate().getSubjectX500Principal().getName()
                                + " expires on ")
                .contains(", in 9 days: renew it")
                .doesNotContain("config error");
        String warning = r.err().strip().substring("config warning: ".length());
        try (LogCapture log = new LogCapture(Relay.class.getName());
                Relay relay =
                        Relay.start(
                                ConfigLoader.load(world.writeConfig(BankMail.POLICIES)),
                                Clock.systemUTC())) {
            assertThat(log.events())
                    .as("run starts, with the warning logged")
                    .anyMatch(
                            e ->
                                    e.getLevel() == Level.WARN
                                            && e.getFormattedMessage()
                                                    .equals("relay.conf: " + warning));
            assertThat(relay.port()).isPositive();
        }
    }

    @Test
    void theIntakesExpiredTlsCertificateIsAnError() throws Exception {
        Instant end =
                now.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Issued server = world.pki().server(end, "mailseal.demo.invalid");
        Path cert = PkiFiles.writeCertificate(dir.resolve("keys/smtp.crt"), server.certificate());
        PkiFiles.writePrivateKey(dir.resolve("keys/smtp.key"), server);
        Path conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        "smtp.tls { certificate = \"keys/smtp.crt\", key = \"keys/smtp.key\" }");
        CommandLineIT.Run r = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo(
                        "config error: mailseal.smtp.tls.certificate: \""
                                + cert
                                + "\" "
                                + server.certificate().getSubjectX500Principal().getName()
                                + " expired on "
                                + end
                                + "\n");
    }

    @Test
    void aMissingCertificateDirectoryIsAnError() throws Exception {
        Path recipients = dir.resolve("certs/recipients");
        try (var files = Files.list(recipients)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(recipients);
        refusedByCheckConfigAndRun(
                BankMail.POLICIES,
                "mailseal.certificates.sources[0].path: \"" + recipients + "\" is not a directory");
    }

    @Test
    void aKeystoreThatCannotBeReadIsAnErrorNamingTheKey() throws Exception {
        Files.write(keystore, new byte[] {0x30, 0x03, 0x02, 0x01});
        Path conf = world.writeConfig(BankMail.POLICIES);
        CommandLineIT.Run check = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.err())
                .startsWith("config error: " + keystoreKey() + "cannot be used: ")
                .doesNotContain("\tat ");
    }
}
