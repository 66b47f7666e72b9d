package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigException;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.SoftHsm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check-config and run refuse a token identity that cannot sign, each problem naming its key and
 * value and never the PIN: library missing, token label not found, wrong PIN, key label not found,
 * a certificate (file or on the token) that is not the key's; and warn when the signing certificate
 * ends soon with no successor key (one SoftHSM2 token for the class).
 */
class HsmConfigIT {
    static final String WRONG_PIN = "9999-wrong-pin";
    @TempDir static Path classDir;
    static SoftHsm hsm;
    static DemoPki pki;
    static Issued good;
    static Issued stranger;
    static Issued ending;
    static Path pinFile;
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir Path dir;
    DemoWorld world;

    @BeforeAll
    static void token() throws Exception {
        pki = new DemoPki(Clock.systemUTC(), "hsm config CA");
        hsm = SoftHsm.create(classDir);
        good = pki.signer(DemoWorld.BANK_SENDER, KeyKind.RSA);
        stranger = pki.signer(DemoWorld.BANK_SENDER, KeyKind.RSA);
        ending =
                pki.certificate(DemoWorld.BANK_SENDER, KeyKind.EC)
                        .validity(NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(10)))
                        .build();
        hsm.importKey("good", good, true);
        hsm.importKey("orphan", stranger, false);
        // the token pairs a key with the certificate of the same CKA_ID: here another key's
        hsm.importKey("crossed", new Issued(stranger.key(), good.certificate()), true);
        hsm.importKey("ending", ending, true);
        pinFile = hsm.pinFile(classDir);
    }

    @AfterAll
    static void removeToken() throws Exception {
        hsm.close();
    }

    @BeforeEach
    void world() throws Exception {
        world = new DemoWorld(dir, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        world.close();
    }

    private static String identity(String address, String pkcs11, String more) {
        return "{ address = \"%s\", pkcs11 = %s %s }".formatted(address, pkcs11, more);
    }

    private static String block(String library, String token, String key, Path pin) {
        return "{ library = \"%s\", token-label = \"%s\", key-label = \"%s\", pin-file = \"%s\" }"
                .formatted(library, token, key, pin);
    }

    /** check-config exits 1 naming every problem; run refuses with the same; no PIN anywhere. */
    private List<String> refused(String identities) throws Exception {
        Path conf = world.writeConfig(BankMail.POLICIES, "identities = [ " + identities + " ]");
        CommandLineIT.Run check = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(check.exit()).as(check.err()).isEqualTo(1);
        assertThat(check.out() + check.err())
                .doesNotContain(SoftHsm.PIN)
                .doesNotContain(WRONG_PIN)
                .doesNotContain("\tat ");
        List<String> problems =
                check.err()
                        .lines()
                        .filter(l -> l.startsWith("config error: "))
                        .map(l -> l.substring("config error: ".length()))
                        .toList();
        assertThatThrownBy(() -> Relay.start(ConfigLoader.load(conf), Clock.systemUTC()).close())
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .containsExactlyInAnyOrderElementsOf(problems));
        return problems;
    }

    @Test
    void everyTokenProblemNamesItsKeyAndValueAndNeverThePin() throws Exception {
        String lib = SoftHsm.library().toString();
        Path wrongPin = Files.writeString(classDir.resolve("wrong.pin"), WRONG_PIN + "\n");
        Path strangerPem =
                PkiFiles.writeCertificate(classDir.resolve("stranger.pem"), stranger.certificate());
        List<String> problems =
                refused(
                        String.join(
                                ",\n",
                                identity(
                                        "a0@bank.example",
                                        block(
                                                "/nonexistent/libpkcs11.so",
                                                hsm.label(),
                                                "good",
                                                pinFile),
                                        ""),
                                identity(
                                        "a1@bank.example",
                                        block(lib, "no-such-token", "good", pinFile),
                                        ""),
                                identity(
                                        "a2@bank.example",
                                        block(lib, hsm.label(), "good", wrongPin),
                                        ""),
                                identity(
                                        "a3@bank.example",
                                        block(lib, hsm.label(), "orphan", pinFile),
                                        ""),
                                identity(
                                        "a4@bank.example",
                                        block(lib, hsm.label(), "good", pinFile),
                                        ", certificate = \"" + strangerPem + "\"")));
        assertThat(problems).hasSize(5);
        assertThat(problems.get(0))
                .isEqualTo(
                        "mailseal.identities[0].pkcs11.library: \"/nonexistent/libpkcs11.so\" no such file");
        assertThat(problems.get(1))
                .startsWith(
                        "mailseal.identities[1].pkcs11.token-label: \"no-such-token\" no token with"
                                + " this label in "
                                + lib
                                + " (tokens there: ")
                .contains("\"" + hsm.label() + "\"");
        assertThat(problems.get(2))
                .isEqualTo(
                        "mailseal.identities[2].pkcs11.pin-file: \""
                                + wrongPin
                                + "\" does not hold the PIN of token \""
                                + hsm.label()
                                + "\"");
        assertThat(problems.get(3))
                .startsWith(
                        "mailseal.identities[3].pkcs11.key-label: \"orphan\" no key with a"
                                + " certificate of this label on token \""
                                + hsm.label()
                                + "\"")
                .contains("labels there: ")
                .contains("good");
        assertThat(problems.get(4))
                .isEqualTo(
                        "mailseal.identities[4].certificate: \""
                                + strangerPem
                                + "\" is not the certificate of key-label \"good\" on token \""
                                + hsm.label()
                                + "\" (its public key differs)");
    }

    @Test
    void aCertificateOnTheTokenThatIsNotTheKeysIsRefusedAfterATestSignature() throws Exception {
        String lib = SoftHsm.library().toString();
        assertThat(
                        refused(
                                identity(
                                        DemoWorld.BANK_SENDER,
                                        block(lib, hsm.label(), "crossed", pinFile),
                                        "")))
                .containsExactly(
                        "mailseal.identities[0]: \"pkcs11:"
                                + hsm.label()
                                + "/crossed\" holds a private key that is not the key of its certificate "
                                + good.certificate().getSubjectX500Principal().getName());
    }

    @Test
    void aTokenCertificateEndingSoonWarnsOnlyWithoutASuccessorKey() throws Exception {
        String lib = SoftHsm.library().toString();
        String alone =
                identity(DemoWorld.BANK_SENDER, block(lib, hsm.label(), "ending", pinFile), "");
        Path conf = world.writeConfig(BankMail.POLICIES, "identities = [ " + alone + " ]");
        CommandLineIT.Run check = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.err())
                .contains(
                        "config warning: mailseal.identities[0]: \"pkcs11:"
                                + hsm.label()
                                + "/ending\" certificate "
                                + ending.certificate().getSubjectX500Principal().getName()
                                + " expires on "
                                + ending.certificate().getNotAfter().toInstant())
                .contains("(no successor key in the identity)");
        String rotating =
                "{ address = \"%s\", keys = [ { pkcs11 = %s }, { pkcs11 = %s } ] }"
                        .formatted(
                                DemoWorld.BANK_SENDER,
                                block(lib, hsm.label(), "ending", pinFile),
                                block(lib, hsm.label(), "good", pinFile));
        conf = world.writeConfig(BankMail.POLICIES, "identities = [ " + rotating + " ]");
        check = CommandLineIT.mailseal("check-config", "-c", conf.toString());
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.err()).doesNotContain("config warning");
    }

    @Test
    void keysListShowsWhereEachKeyLivesWhichSignsAndWhetherATestSignatureWorks() throws Exception {
        String lib = SoftHsm.library().toString();
        String identities =
                String.join(
                        ",\n",
                        "{ address = \"%s\", keys = [ { pkcs11 = %s }, { pkcs11 = %s } ] }"
                                .formatted(
                                        DemoWorld.BANK_SENDER,
                                        block(lib, hsm.label(), "ending", pinFile),
                                        block(lib, hsm.label(), "good", pinFile)),
                        identity(
                                "crossed@bank.example",
                                block(lib, hsm.label(), "crossed", pinFile),
                                ""),
                        "{ domain = \"bank.example\", keystore = \"keys/bank.p12\","
                                + " password-file = \"keys/bank.pass\" }");
        Path conf = world.writeConfig(BankMail.POLICIES, "identities = [ " + identities + " ]");
        CommandLineIT.Run list = CommandLineIT.mailseal("keys", "list", "-c", conf.toString());
        assertThat(list.exit()).as(list.err()).isEqualTo(1);
        String token = "pkcs11:" + hsm.label();
        assertThat(list.out().lines().filter(l -> !l.startsWith("    ")))
                .containsExactly(
                        "  otp@bank.example " + token + "/ending",
                        "* otp@bank.example " + token + "/good",
                        "* crossed@bank.example " + token + "/crossed",
                        "* bank.example " + dir.resolve("keys/bank.p12"));
        assertThat(list.out())
                .contains(
                        "    "
                                + good.certificate().getSubjectX500Principal().getName()
                                + ", valid "
                                + good.certificate().getNotBefore().toInstant()
                                + " to "
                                + good.certificate().getNotAfter().toInstant())
                .contains("test signature: FAILED: holds a private key that is not the key")
                .doesNotContain(SoftHsm.PIN);
        assertThat(list.out().lines().filter(l -> l.equals("    test signature: ok"))).hasSize(3);
    }
}
