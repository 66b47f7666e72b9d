package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.mailseal.crypto.CryptoProviders;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.PkiFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectoryCertificateSourceTest {
    static final String ALICE = "alice@customer.example";
    static DemoPki pki;
    static X509Certificate aliceRsa;
    static X509Certificate aliceEc;

    @TempDir Path dir;

    @BeforeAll
    static void setUp() {
        CryptoProviders.install();
        pki = new DemoPki(Clock.systemUTC(), "Directory Test CA");
        aliceRsa = pki.customer(ALICE, KeyKind.RSA).certificate();
        aliceEc = pki.customer(ALICE, KeyKind.EC).certificate();
    }

    private Lookup lookup(String address) {
        return new DirectoryCertificateSource(dir).lookup(address);
    }

    @Test
    void nameNamesTheDirectory() {
        assertThat(new DirectoryCertificateSource(dir).name()).isEqualTo("directory:" + dir);
    }

    @Test
    void pemFile() throws Exception {
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".pem"), aliceRsa);
        assertThat(lookup(ALICE)).isEqualTo(new Lookup.Found(java.util.List.of(aliceRsa)));
    }

    @Test
    void crtFile() throws Exception {
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".crt"), aliceEc);
        assertThat(lookup(ALICE)).isEqualTo(new Lookup.Found(java.util.List.of(aliceEc)));
    }

    @Test
    void derCerFile() throws Exception {
        Files.write(dir.resolve(ALICE + ".cer"), aliceRsa.getEncoded());
        assertThat(lookup(ALICE)).isEqualTo(new Lookup.Found(java.util.List.of(aliceRsa)));
    }

    @Test
    void twoCertificatesInOneFile() throws Exception {
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".pem"), aliceRsa, aliceEc);
        assertThat(lookup(ALICE)).isEqualTo(new Lookup.Found(java.util.List.of(aliceRsa, aliceEc)));
    }

    @Test
    void domainOfTheAddressIsCaseInsensitive() throws Exception {
        PkiFiles.writeCertificate(dir.resolve(ALICE + ".pem"), aliceRsa);
        assertThat(lookup("alice@CUSTOMER.Example")).isInstanceOf(Lookup.Found.class);
    }

    @Test
    void missingFileIsNotFound() {
        assertThat(lookup(ALICE)).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void garbageFileIsUnavailableNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve(ALICE + ".pem"), "this is not a certificate\n");
        Lookup l = lookup(ALICE);
        assertThat(l).isInstanceOf(Lookup.Unavailable.class);
        assertThat(((Lookup.Unavailable) l).reason())
                .contains(file.toString())
                .contains("not a readable certificate");
    }

    @Test
    void emptyFileIsUnavailableNamingTheFile() throws Exception {
        Path file = Files.write(dir.resolve(ALICE + ".cer"), new byte[0]);
        Lookup l = lookup(ALICE);
        assertThat(l).isInstanceOf(Lookup.Unavailable.class);
        assertThat(((Lookup.Unavailable) l).reason()).contains(file.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x@y", "a/b@c", "a\\b@c", ".hidden@c", "", "..@c"})
    void pathEscapeIsNotFound(String address) throws Exception {
        // a file the escape would reach if it were honoured
        Path sub = Files.createDirectories(dir.resolve("sub"));
        PkiFiles.writeCertificate(dir.resolve("x@y.pem"), aliceRsa);
        Files.createDirectories(sub.resolve("a"));
        PkiFiles.writeCertificate(sub.resolve("a").resolve("b@c.pem"), aliceRsa);
        assertThat(new DirectoryCertificateSource(sub).lookup(address))
                .isEqualTo(new Lookup.NotFound());
    }

    @Test
    void missingDirectoryIsUnavailable() {
        Path missing = dir.resolve("no-such-dir");
        Lookup l = new DirectoryCertificateSource(missing).lookup(ALICE);
        assertThat(l).isInstanceOf(Lookup.Unavailable.class);
        assertThat(((Lookup.Unavailable) l).reason()).contains(missing.toString());
    }

    @Test
    void fileInsteadOfDirectoryIsUnavailable() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThat(new DirectoryCertificateSource(file).lookup(ALICE))
                .isInstanceOf(Lookup.Unavailable.class);
    }

    @Test
    void unreadableDirectoryIsUnavailable() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every directory");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        PkiFiles.writeCertificate(locked.resolve(ALICE + ".pem"), aliceRsa);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assertThat(new DirectoryCertificateSource(locked).lookup(ALICE))
                    .isInstanceOf(Lookup.Unavailable.class);
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
