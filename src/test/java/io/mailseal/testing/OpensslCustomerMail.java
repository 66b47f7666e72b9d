package io.mailseal.testing;

import io.mailseal.demo.DemoPki;
import io.mailseal.demo.PkiFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Mail a customer's OpenSSL-based client sends the bank, made by {@code openssl cms} itself: signed
 * (multipart/signed or opaque), encrypted to the bank's certificate (RSA PKCS#1 v1.5 or OAEP, EC;
 * AES-CBC or AES-GCM), in either order. Line ends are made CRLF, as SMTP carries them. Works in one
 * directory.
 */
public final class OpensslCustomerMail {
    public static final String FROM = "kunde@beispiel.example";
    public static final String TO = "service@bank.example";
    public static final String SUBJECT = "Frage zu meinem Konto";

    /** The entity the customer signs: what the agent must read, byte for byte. */
    public static final String CONTENT =
            "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: quoted-printable\r\n"
                    + "\r\n"
                    + "Guten Tag, bitte sperren Sie meine Karte. Gr=C3=BC=C3=9Fe\r\n";

    private final Path dir;
    private final DemoPki.Issued customer;
    private final String from;
    private int files;

    /** A customer whose certificate names {@link #FROM}. */
    public OpensslCustomerMail(Path dir, DemoPki.Issued customer) throws Exception {
        this(dir, customer, FROM);
    }

    /** {@code from}: the From address the customer's mail carries. */
    public OpensslCustomerMail(Path dir, DemoPki.Issued customer, String from) throws Exception {
        this.dir = dir;
        this.customer = customer;
        this.from = from;
        PkiFiles.writeCertificate(dir.resolve("customer.pem"), customer.certificate());
        PkiFiles.writePrivateKey(dir.resolve("customer.key"), customer);
        Files.writeString(dir.resolve("content.txt"), CONTENT, StandardCharsets.US_ASCII);
    }

    public DemoPki.Issued customer() {
        return customer;
    }

    /** Signed content.txt: multipart/signed, or opaque signed-data. */
    public Path signed(boolean opaque) throws Exception {
        return signed(dir.resolve("content.txt"), opaque);
    }

    public Path signed(Path in, boolean opaque) throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "cms",
                                "-sign",
                                "-in",
                                in.toString(),
                                "-signer",
                                "customer.pem",
                                "-inkey",
                                "customer.key"));
        if (opaque) {
            args.add("-nodetach");
        }
        return run(args);
    }

    /**
     * {@code in} encrypted to {@code bank}: {@code cipher} as openssl names it ({@code -aes256},
     * {@code -aes-256-gcm}), {@code oaep} for RSA-OAEP.
     */
    public Path encrypted(Path in, X509Certificate bank, String cipher, boolean oaep)
            throws Exception {
        Path cert = PkiFiles.writeCertificate(dir.resolve("bank" + (++files) + ".pem"), bank);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "cms",
                                "-encrypt",
                                "-in",
                                in.toString(),
                                cipher,
                                "-recip",
                                cert.toString()));
        if (oaep) {
            args.addAll(List.of("-keyopt", "rsa_padding_mode:oaep"));
        }
        return run(args);
    }

    /** The file as SMTP carries it: CRLF line ends. */
    public static byte[] crlf(Path file) throws Exception {
        String s = Files.readString(file, StandardCharsets.ISO_8859_1);
        return s.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private Path run(List<String> args) throws Exception {
        Path out = dir.resolve("out" + (++files) + ".eml");
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(args);
        command.addAll(
                List.of("-from", from, "-to", TO, "-subject", SUBJECT, "-out", out.toString()));
        ExternalTool.Result r = ExternalTool.run(dir, command.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + "\n" + r.output());
        }
        return out;
    }
}
