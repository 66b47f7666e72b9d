package io.mailseal.crypto;

import static io.mailseal.crypto.MailFixtures.BODY;
import static io.mailseal.crypto.MailFixtures.BODY_QP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sealing and reading with ACCP first (the other tests), and here without it: the JDK providers
 * plus BouncyCastle — what a node runs when ACCP's native library does not load — and BouncyCastle
 * alone, so nothing depends on an algorithm only ACCP or the JDK offers. Changes the JVM-wide
 * provider list for the duration of one test and restores it.
 */
class ProviderFallbackTest {
    enum Providers {
        JDK_AND_BC,
        BC_ONLY
    }

    @TempDir Path dir;

    @BeforeAll
    static void install() {
        CryptoProviders.install();
    }

    @Test
    void installIsIdempotentPutsAccpFirstAndBouncyCastleLast() {
        assumeTrue(
                AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null,
                "ACCP does not load here");
        String first = CryptoProviders.install();
        assertThat(CryptoProviders.install())
                .isEqualTo(first)
                .startsWith("AmazonCorrettoCryptoProvider 2.5");
        Provider[] all = Security.getProviders();
        assertThat(all[0].getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(all[all.length - 1].getName()).isEqualTo(BouncyCastleProvider.PROVIDER_NAME);
        assertThat(
                        Arrays.stream(all)
                                .filter(p -> p.getName().equals("AmazonCorrettoCryptoProvider")))
                .hasSize(1);
        assertThat(
                        Arrays.stream(all)
                                .filter(
                                        p ->
                                                p.getName()
                                                        .equals(
                                                                BouncyCastleProvider
                                                                        .PROVIDER_NAME)))
                .hasSize(1);
    }

    static Stream<Arguments> combinations() {
        return Stream.of(Providers.values())
                .flatMap(
                        p ->
                                Stream.of(ContentEncryption.values())
                                        .flatMap(
                                                c ->
                                                        Stream.of(
                                                                Arguments.of(
                                                                        p,
                                                                        c,
                                                                        KeyKind.RSA,
                                                                        KeyTransport.RSA_PKCS1),
                                                                Arguments.of(
                                                                        p,
                                                                        c,
                                                                        KeyKind.RSA,
                                                                        KeyTransport.RSA_OAEP),
                                                                Arguments.of(
                                                                        p,
                                                                        c,
                                                                        KeyKind.EC,
                                                                        KeyTransport.RSA_OAEP))));
    }

    /**
     * Keys, certificates, the sealer and the reader are all made under the reduced provider list.
     */
    @ParameterizedTest(name = "{0}: {1} to {2} {3}")
    @MethodSource("combinations")
    void sealsAndOpens(
            Providers providers, ContentEncryption content, KeyKind kind, KeyTransport transport)
            throws Exception {
        Provider[] saved = Security.getProviders();
        try {
            for (Provider p : saved) {
                boolean keep =
                        providers == Providers.BC_ONLY
                                ? p.getName().equals(BouncyCastleProvider.PROVIDER_NAME)
                                : !p.getName().equals("AmazonCorrettoCryptoProvider");
                if (!keep) {
                    Security.removeProvider(p.getName());
                }
            }
            List<String> left =
                    Arrays.stream(Security.getProviders()).map(Provider::getName).toList();
            assertThat(left)
                    .doesNotContain("AmazonCorrettoCryptoProvider")
                    .endsWith(BouncyCastleProvider.PROVIDER_NAME);
            assertThat(left.contains("SunJCE")).isEqualTo(providers == Providers.JDK_AND_BC);
            DemoPki pki = new DemoPki(Clock.systemUTC(), "fallback CA");
            DemoPki.Issued customer = pki.customer("kunde@beispiel.example", kind);
            MessageSealer sealer = new MessageSealer();
            MimeMessage signed =
                    sealer.sign(
                            MailFixtures.otpMail("kunde@beispiel.example"),
                            MailFixtures.identity(pki.signer("otp@bank.example", kind)),
                            SignatureStamp.NONE,
                            HeaderProtection.NONE);
            MimeMessage sealed =
                    sealer.encrypt(
                            signed,
                            content,
                            List.of(new EnvelopeRecipient(customer.certificate(), transport)));

            Inspection i = MailFixtures.open(sealed, customer, pki);
            assertThat(i.problems()).isEmpty();
            assertThat(i.valid()).isTrue();
            assertThat(MailFixtures.text(i)).contains(BODY);
            assertThat(
                            new OpensslCms(dir)
                                    .decryptAndVerify(sealed, customer, pki.ca().certificate()))
                    .contains(BODY_QP);
        } finally {
            for (Provider p : Security.getProviders()) {
                Security.removeProvider(p.getName());
            }
            for (Provider p : saved) {
                Security.addProvider(p);
            }
        }
    }
}
