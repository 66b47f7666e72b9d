package io.mailseal.it;

import io.mailseal.testing.ExternalTool;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Opens a sealed message with NSS (the engine of Thunderbird): {@code cmsutil -D} decrypts
 * with the key imported by {@code pk12util}, then verifies the detached signature with the
 * demo CA trusted by {@code certutil}.
 */
final class NssCheck {
    private NssCheck() {
    }

    static String decryptAndVerify(Path dir, Path eml, String customer) throws Exception {
        Path db = Files.createDirectories(dir.resolve("nssdb"));
        String sql = "sql:" + db;
        ExternalTool.ok(dir, "certutil", "-N", "-d", sql, "--empty-password");
        ExternalTool.ok(dir, "openssl", "pkcs12", "-export", "-in", "customers/" + customer + ".crt",
                "-inkey", "customers/" + customer + ".key", "-out", "nss.p12", "-passout", "pass:nss",
                "-certpbe", "AES-256-CBC", "-keypbe", "AES-256-CBC");
        ExternalTool.ok(dir, "pk12util", "-i", "nss.p12", "-d", sql, "-W", "nss");
        ExternalTool.ok(dir, "certutil", "-A", "-d", sql, "-n", "demo-ca", "-t", "C,C,C", "-i", "certs/trust/ca.pem");

        Session session = Session.getInstance(new Properties());
        MimeMessage outer = new MimeMessage(session, Files.newInputStream(eml));
        try (InputStream der = outer.getInputStream()) {
            Files.write(dir.resolve("nss-env.der"), der.readAllBytes());
        }
        ExternalTool.ok(dir, "cmsutil", "-D", "-i", "nss-env.der", "-d", sql, "-o", "nss-dec.eml");

        MimeMessage signed = new MimeMessage(session, new ByteArrayInputStream(Files.readAllBytes(dir.resolve("nss-dec.eml"))));
        MimeMultipart mp = (MimeMultipart) signed.getContent();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        mp.getBodyPart(0).writeTo(content);
        Files.write(dir.resolve("nss-content.bin"), content.toByteArray());
        try (InputStream sig = mp.getBodyPart(1).getInputStream()) {
            Files.write(dir.resolve("nss-sig.der"), sig.readAllBytes());
        }
        String verdict = ExternalTool.ok(dir, "cmsutil", "-D", "-i", "nss-sig.der", "-c", "nss-content.bin",
                "-u", "4", "-d", sql, "-h", "1");
        assertThat(verdict).contains("signer0.status=GoodSignature");
        return content.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
