package io.mailseal.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Writes demo and test PKI material. Files holding private keys are created 0600. PKCS#12 uses the
 * JDK 17 defaults (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256), which OpenSSL 3 reads without -legacy.
 */
public final class PkiFiles {
    private PkiFiles() {}

    public static Path writeCertificate(Path file, X509Certificate... certs) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.toString());
        return file;
    }

    public static Path writePrivateKey(Path file, DemoPki.Issued issued) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(
                    new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(issued.key(), null));
        }
        try (OutputStream out = createPrivate(file)) {
            out.write(s.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return file;
    }

    public static Path writePkcs12(
            Path file, DemoPki.Issued issued, List<X509Certificate> chain, char[] password)
            throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            Certificate[] all = new Certificate[chain.size() + 1];
            all[0] = issued.certificate();
            for (int i = 0; i < chain.size(); i++) {
                all[i + 1] = chain.get(i);
            }
            ks.setKeyEntry("mailseal", issued.key(), password, all);
            try (OutputStream out = createPrivate(file)) {
                ks.store(out, password);
            }
            return file;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write PKCS#12 " + file + ": " + e.getMessage(), e);
        }
    }

    private static OutputStream createPrivate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
