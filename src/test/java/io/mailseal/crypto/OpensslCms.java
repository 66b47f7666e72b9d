package io.mailseal.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.PkiFiles;
import io.mailseal.testing.ExternalTool;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

/**
 * The openssl 3 CLI as the independent reader: what mailseal writes must open there, or a test only
 * proves that mailseal agrees with itself. Works in one temporary directory.
 */
final class OpensslCms {
    /** What openssl said; the command line is part of the output when it fails. */
    record Result(int exitCode, String output) {}

    private final Path dir;

    OpensslCms(Path dir) {
        this.dir = dir;
    }

    Path write(String name, MimeMessage message) throws Exception {
        return Files.write(dir.resolve(name), MailFixtures.bytes(message));
    }

    /** {@code openssl cms -decrypt} with the customer's certificate and key, into dec.eml. */
    Result decrypt(MimeMessage sealed, DemoPki.Issued customer) throws Exception {
        write("m.eml", sealed);
        PkiFiles.writeCertificate(dir.resolve("cust.pem"), customer.certificate());
        PkiFiles.writePrivateKey(dir.resolve("cust.key"), customer);
        return run(
                "cms",
                "-decrypt",
                "-in",
                "m.eml",
                "-recip",
                "cust.pem",
                "-inkey",
                "cust.key",
                "-out",
                "dec.eml");
    }

    /**
     * {@code openssl cms -verify -CAfile ca.pem -purpose any} of a file here, into verified.txt.
     */
    Result verify(String file, X509Certificate ca) throws Exception {
        PkiFiles.writeCertificate(dir.resolve("ca.pem"), ca);
        return run(
                "cms",
                "-verify",
                "-in",
                file,
                "-CAfile",
                "ca.pem",
                "-purpose",
                "any",
                "-out",
                "verified.txt");
    }

    /**
     * Decrypts and verifies, failing the test if openssl refuses; returns the verified signed
     * entity.
     */
    String decryptAndVerify(MimeMessage sealed, DemoPki.Issued customer, X509Certificate ca)
            throws Exception {
        requireOk(decrypt(sealed, customer));
        requireOk(verify("dec.eml", ca));
        return verified();
    }

    /** Verifies a signed (not encrypted) message, failing the test if openssl refuses. */
    String verifySigned(MimeMessage signed, X509Certificate ca) throws Exception {
        write("s.eml", signed);
        requireOk(verify("s.eml", ca));
        return verified();
    }

    private String verified() throws IOException {
        return Files.readString(dir.resolve("verified.txt"), StandardCharsets.ISO_8859_1);
    }

    private static void requireOk(Result r) {
        assertThat(r.exitCode()).as("openssl said:%n%s", r.output()).isZero();
    }

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = Stream.concat(Stream.of("openssl"), Stream.of(args)).toList();
        ExternalTool.Result r = ExternalTool.run(dir, command.toArray(String[]::new));
        return new Result(r.exitCode(), String.join(" ", command) + "\n" + r.output());
    }
}
