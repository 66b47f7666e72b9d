package io.mailseal.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailseal.config.ConfigException;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.OpensslCli;
import io.mailseal.demo.PkiFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** certificates.trust-anchors: what an operator drops into the directory, and what goes wrong. */
class TrustAnchorsTest {
    static final String KEY = "mailseal.certificates.trust-anchors";
    static final DemoPki PKI = new DemoPki(Clock.systemUTC(), "Anchor CA one");
    static final DemoPki OTHER = new DemoPki(Clock.systemUTC(), "Anchor CA two");

    @TempDir Path dir;

    private static Set<String> subjects(Set<TrustAnchor> anchors) {
        return anchors.stream()
                .map(a -> a.getTrustedCert().getSubjectX500Principal().getName())
                .collect(Collectors.toSet());
    }

    /**
     * {@code openssl x509 -text} output keeps the description above the PEM block; it must still
     * load.
     */
    @Test
    void opensslMadeCaWithItsTextDumpLoads() throws Exception {
        OpensslCli openssl = new OpensslCli(dir);
        openssl.ok(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-subj",
                "/O=Customer Bank/CN=Openssl Made CA",
                "-days",
                "2",
                "-out",
                "ca.crt");
        openssl.ok("x509", "-in", "ca.crt", "-text", "-out", "ca-with-text.pem");
        assertThat(Files.readString(dir.resolve("ca-with-text.pem"))).startsWith("Certificate:");

        assertThat(subjects(TrustAnchors.load(KEY, dir.resolve("ca-with-text.pem"))))
                .containsExactly("CN=Openssl Made CA,O=Customer Bank");
    }

    @Test
    void directoryLoadsPemAndDerAndIgnoresOtherFiles() throws Exception {
        PkiFiles.writeCertificate(dir.resolve("one.pem"), PKI.ca().certificate());
        Files.write(dir.resolve("two.cer"), OTHER.ca().certificate().getEncoded());
        Files.writeString(dir.resolve("README.txt"), "not a certificate");
        assertThat(subjects(TrustAnchors.load(KEY, dir)))
                .containsExactlyInAnyOrder(
                        PKI.ca().certificate().getSubjectX500Principal().getName(),
                        OTHER.ca().certificate().getSubjectX500Principal().getName());
    }

    @Test
    void emptyDirectoryIsAConfigurationErrorNamingKeyAndPath() {
        assertThatThrownBy(() -> TrustAnchors.load(KEY, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + ": \"" + dir + "\" holds no CA certificate");
    }

    @Test
    void missingPathIsAConfigurationError() {
        Path nowhere = dir.resolve("nowhere.pem");
        assertThatThrownBy(() -> TrustAnchors.load(KEY, nowhere))
                .isInstanceOf(ConfigException.class)
                .hasMessage(KEY + ": \"" + nowhere + "\" does not exist");
    }

    @Test
    void garbageFileInTheDirectoryIsNamed() throws Exception {
        PkiFiles.writeCertificate(dir.resolve("good.pem"), PKI.ca().certificate());
        Path bad =
                Files.writeString(
                        dir.resolve("bad.crt"), "-----BEGIN CERTIFICATE-----\nnot base64!\n");
        assertThatThrownBy(() -> TrustAnchors.load(KEY, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(KEY + ": \"" + bad + "\" cannot be read: ");
    }
}
