package io.mailseal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.DemoPki.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The files the demo and the tests hand to openssl, NSS and the relay itself. */
class PkiFilesTest {
    /** Assembled, so that no committed file carries a literal PEM private-key marker. */
    private static final String PKCS8_PEM_HEADER = "-----BEGIN " + "PRIVATE KEY-----";

    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "PkiFiles test CA");
    static final char[] PASSWORD = "demo-only-pass".toCharArray();

    @TempDir Path dir;
    OpensslCli openssl;

    @BeforeEach
    void setUp() {
        openssl = new OpensslCli(dir);
    }

    private String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void certificatesArePemInOrderAndReadBack() throws Exception {
        Issued alice = PKI.customer("alice@customer.example", KeyKind.RSA);
        Path file =
                PkiFiles.writeCertificate(
                        dir.resolve("recipients/alice@customer.example.pem"),
                        alice.certificate(),
                        PKI.ca().certificate());
        assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE-----");
        try (var in = Files.newInputStream(file)) {
            assertThat(
                            List.<Object>copyOf(
                                    CertificateFactory.getInstance("X.509")
                                            .generateCertificates(in)))
                    .containsExactly(alice.certificate(), PKI.ca().certificate());
        }
    }

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void privateKeyIsUnencryptedPkcs8Mode0600AndMatchesItsCertificate(KeyKind kind)
            throws Exception {
        Issued alice = PKI.customer("alice@customer.example", kind);
        Path key = PkiFiles.writePrivateKey(dir.resolve("keys/alice.key"), alice);
        PkiFiles.writeCertificate(dir.resolve("alice.pem"), alice.certificate());

        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith(PKCS8_PEM_HEADER + "\n");
        assertThat(openssl.ok("pkey", "-in", "keys/alice.key", "-pubout"))
                .isEqualTo(openssl.ok("x509", "-in", "alice.pem", "-noout", "-pubkey"));
    }

    @Test
    void rewritingAKeyFileThatWasWorldReadableLeavesIt0600() throws Exception {
        Path key = Files.writeString(dir.resolve("old.key"), "stale");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        PkiFiles.writePrivateKey(key, PKI.customer("a@customer.example", KeyKind.EC));
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(Files.readString(key)).doesNotContain("stale");
    }

    /** OpenSSL 3 refuses RC2/3DES keystores unless given -legacy; this one it must read as is. */
    @Test
    void pkcs12UsesPbes2WithAes256AndIsReadByOpenssl3WithoutLegacy() throws Exception {
        Issued signer = PKI.signer("otp@bank.example", KeyKind.RSA);
        Path p12 =
                PkiFiles.writePkcs12(
                        dir.resolve("keys/otp.p12"),
                        signer,
                        List.of(PKI.ca().certificate()),
                        PASSWORD);
        assertThat(mode(p12)).isEqualTo("rw-------");

        String pass = "pass:" + new String(PASSWORD);
        String info =
                openssl.ok("pkcs12", "-in", "keys/otp.p12", "-passin", pass, "-info", "-noout");
        assertThat(info)
                .contains("MAC: sha256")
                .contains(
                        "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256")
                .contains(
                        "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256")
                .doesNotContain("RC2")
                .doesNotContain("3DES");

        String dump = openssl.ok("pkcs12", "-in", "keys/otp.p12", "-passin", pass, "-nodes");
        assertThat(dump)
                .contains(PKCS8_PEM_HEADER)
                .contains("subject=CN = otp@bank.example")
                .contains("subject=CN = PkiFiles test CA");
        assertThat(
                        openssl.run(
                                        "pkcs12",
                                        "-in",
                                        "keys/otp.p12",
                                        "-passin",
                                        "pass:wrong",
                                        "-nodes")
                                .exitCode())
                .isNotZero();
    }

    @Test
    void pkcs12ReadsBackIntoTheJdkWithKeyAndChain() throws Exception {
        Issued signer = PKI.signer("otp@bank.example", KeyKind.EC);
        Path p12 =
                PkiFiles.writePkcs12(
                        dir.resolve("otp.p12"), signer, List.of(PKI.ca().certificate()), PASSWORD);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD);
        }
        String alias = ks.aliases().nextElement();
        assertThat(ks.getKey(alias, PASSWORD)).isEqualTo(signer.key());
        assertThat(ks.getCertificateChain(alias))
                .containsExactly(signer.certificate(), PKI.ca().certificate());
    }
}
