package io.mailseal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.config.IdentityConfig.FromEnvironment;
import io.mailseal.config.IdentityConfig.FromFile;
import io.mailseal.config.IdentityConfig.Keystore;
import io.mailseal.config.IdentityConfig.RsaSignature;
import io.mailseal.config.IdentityConfig.TokenKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** relay.conf identities with keys in PKCS#11 tokens, and lists of keys for rotation. */
class IdentityConfigReaderTest {
    @TempDir Path dir;

    private Path write(String identities) throws IOException {
        return Files.writeString(
                dir.resolve("relay.conf"), "mailseal.identities = [\n" + identities + "\n]");
    }

    @Test
    void aTokenKeyAndARotatingListAreRead() throws IOException {
        RelayConfig c =
                ConfigLoader.load(
                        write(
                                """
                { address = "otp@bank.example", rsa-signature = pss, certificate = certs/otp.pem,
                  pkcs11 { library = /usr/lib/hsm.so, token-label = bank, key-label = otp-2026, pin-file = hsm.pin } }
                { domain = "bank.example", keys = [
                    { keystore = old.p12, password-env = OLD }
                    { pkcs11 { library = /usr/lib/hsm.so, token-label = bank, key-label = bank-2027, pin-env = PIN } } ] }"""));
        IdentityConfig otp = c.identities().get(0);
        assertThat(otp.rsaSignature()).isEqualTo(RsaSignature.PSS);
        assertThat(otp.keys())
                .containsExactly(
                        new TokenKey(
                                "mailseal.identities[0]",
                                new IdentityConfig.Pkcs11(
                                        Path.of("/usr/lib/hsm.so"),
                                        "bank",
                                        new FromFile(dir.resolve("hsm.pin"))),
                                "otp-2026",
                                Optional.of(dir.resolve("certs/otp.pem"))));
        assertThat(otp.keys().get(0).location()).isEqualTo("pkcs11:bank/otp-2026");
        IdentityConfig bank = c.identities().get(1);
        assertThat(bank.rsaSignature()).isEqualTo(RsaSignature.PKCS1);
        assertThat(bank.keys())
                .containsExactly(
                        new Keystore(
                                "mailseal.identities[1].keys[0].keystore",
                                dir.resolve("old.p12"),
                                new FromEnvironment("OLD")),
                        new TokenKey(
                                "mailseal.identities[1].keys[1]",
                                new IdentityConfig.Pkcs11(
                                        Path.of("/usr/lib/hsm.so"),
                                        "bank",
                                        new FromEnvironment("PIN")),
                                "bank-2027",
                                Optional.empty()));
    }

    @Test
    void everyMistakeNamesItsKey() throws IOException {
        Path conf =
                write(
                        """
                { address = "a@bank.example", pkcs11 { library = /l.so, slot = 3 } }
                { address = "b@bank.example", keystore = k.p12, password-env = X, pkcs11 { library = /l.so, token-label = t, key-label = k, pin-env = P } }
                { address = "c@bank.example", keys = [], rsa-signature = md5 }
                { address = "d@bank.example", keystore = k.p12, password-env = X, keys = [ { keystore = k.p12, password-env = X } ] }""");
        assertThatThrownBy(() -> ConfigLoader.load(conf))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .containsExactlyInAnyOrder(
                                                "mailseal.identities[0].pkcs11.token-label: is missing (the label of the token, not a slot number)",
                                                "mailseal.identities[0].pkcs11.key-label: is missing (the label of the key's certificate on the token)",
                                                "mailseal.identities[0].pkcs11.pin-env: give exactly one of pin-env or pin-file",
                                                "mailseal.identities[0].pkcs11.slot: unknown key",
                                                "mailseal.identities[1].keystore: give exactly one of keystore or pkcs11",
                                                "mailseal.identities[1].password-env: unknown key",
                                                "mailseal.identities[2].keys: is empty",
                                                "mailseal.identities[2].rsa-signature: \"md5\" is not pkcs1 or pss",
                                                "mailseal.identities[3].keys: give keys, or keystore/pkcs11 inline, not both",
                                                "mailseal.identities[3].password-env: unknown key"));
    }

    @Test
    void aSecretWrittenWhereItsVariableBelongsIsNeverRepeated() throws IOException {
        Path conf =
                write(
                        """
                { address = "a@bank.example", pkcs11 { library = /l.so, token-label = t, key-label = k, pin-env = "1234" } }
                { address = "b@bank.example", keystore = k.p12, password-env = "s3cret pass!" }""");
        assertThatThrownBy(() -> ConfigLoader.load(conf))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.problems())
                                        .hasSize(2)
                                        .allSatisfy(
                                                p ->
                                                        assertThat(p)
                                                                .contains(
                                                                        "is not the name of an environment variable")
                                                                .doesNotContain("1234")
                                                                .doesNotContain("s3cret"))
                                        .anySatisfy(
                                                p ->
                                                        assertThat(p)
                                                                .startsWith(
                                                                        "mailseal.identities[0].pkcs11.pin-env: "))
                                        .anySatisfy(
                                                p ->
                                                        assertThat(p)
                                                                .startsWith(
                                                                        "mailseal.identities[1].password-env: ")));
        // a name that could be a password (not written as variables are) is not shown either
        assertThatThrownBy(() -> new FromEnvironment("hunter2Secret").read())
                .hasMessageNotContaining("hunter2Secret")
                .hasMessageContaining("is not set");
        assertThatThrownBy(() -> new FromEnvironment("MAILSEAL_NO_SUCH_PIN").read())
                .hasMessage("environment variable MAILSEAL_NO_SUCH_PIN is not set");
    }
}
