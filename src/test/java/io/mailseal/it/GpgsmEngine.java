package io.mailseal.it;

import io.mailseal.demo.DemoPki;
import io.mailseal.testing.ExternalTool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GnuPG's gpgsm, the engine of KMail and Kleopatra, in a GNUPGHOME of its own: the demo CA trusted
 * through trustlist.txt, CRL checks and dirmngr off (the demo PKI publishes no CRLs), customer keys
 * imported from a PKCS#12 with the legacy PBE (3DES key bag, SHA-1 MAC) that gpgsm 2.2 reads. The
 * gpg-agent it starts is stopped by {@link #close()}.
 */
final class GpgsmEngine implements ReaderEngine, CustomerEngine {
    private static final byte[] PASSPHRASE = "gpgsm-interop\n".getBytes(StandardCharsets.US_ASCII);

    /** With {@link #PASSPHRASE} on stdin: the passphrase of a customer's key. */
    private static final List<String> LOOPBACK =
            List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0");

    /** Most telling first: gpgsm ends every failure with a generic "No secret key". */
    private static final List<Pattern> REASONS =
            List.of(
                    Pattern.compile("decrypting session key failed: (.+)"),
                    Pattern.compile("(error getting encrypted session key)"),
                    Pattern.compile("message decryption failed: (.+?)( <|$)"));

    private final Path dir;
    private final Path work;
    private final Map<String, String> env;
    private final Function<String, DemoPki.Issued> customers;
    private final Set<String> imported = new HashSet<>();
    private final List<String> notes = new ArrayList<>();

    /** {@code dir} holds the demo world; {@code customers} gives a customer's key by address. */
    GpgsmEngine(Path dir, DemoPki.Issued ca, Function<String, DemoPki.Issued> customers)
            throws Exception {
        this.dir = dir;
        this.customers = customers;
        this.work = Files.createDirectories(dir.resolve("gpgsm"));
        Path home =
                Files.createDirectory(
                        work.resolve("home"),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
        this.env = Map.of("GNUPGHOME", home.toString());
        Files.writeString(home.resolve("gpgsm.conf"), "disable-crl-checks\ndisable-dirmngr\n");
        Files.writeString(home.resolve("gpg-agent.conf"), "allow-loopback-pinentry\n");
        // trustlist.txt: a root CA's SHA-1 fingerprint, S for S/MIME; relax accepts the demo CA's
        // profile
        Files.writeString(
                home.resolve("trustlist.txt"),
                fingerprint(ca.certificate().getEncoded()) + " S relax\n");
        gpgsm(new byte[0], "--import", dir.resolve("certs/trust/ca.pem").toString());
    }

    @Override
    public String name() {
        return "gpgsm";
    }

    @Override
    public String version() throws Exception {
        // "gpgsm (GnuPG) 2.2.40"
        String first = ExternalTool.ok(dir, "gpgsm", "--version").lines().findFirst().orElse("");
        return first.substring(first.lastIndexOf(' ') + 1);
    }

    @Override
    public String clients() {
        return "KMail, Kleopatra";
    }

    /**
     * What happened on the way that the matrix should say (e.g. a key that could not be imported).
     */
    List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public Outcome open(Path eml, String customer) throws Exception {
        importKey(customer);
        Path der = ReaderEngine.envelopeDer(eml, work.resolve(eml.getFileName() + ".der"));
        Path out = work.resolve(eml.getFileName() + ".dec");
        ExternalTool.Result r = withKey("--output", out.toString(), "--decrypt", der.toString());
        if (r.exitCode() == 0) {
            return new Outcome.Done(Files.readAllBytes(out));
        }
        for (Pattern p : REASONS) {
            Matcher m = p.matcher(r.output());
            if (m.find()) {
                return new Outcome.Refused(
                        m.group(1)); // whether it then crashes varies: not in the matrix
            }
        }
        return new Outcome.Refused(r.output().strip());
    }

    @Override
    public Outcome verify(byte[] signedEntity) throws Exception {
        SignedEntity parts = SignedEntity.split(signedEntity);
        Path content = Files.write(Files.createTempFile(work, "content", ".bin"), parts.content());
        Path sig = Files.write(Path.of(content + ".p7s"), parts.signature());
        ExternalTool.Result r =
                gpgsm(
                        new byte[0],
                        "--status-fd",
                        "1",
                        "--verify",
                        sig.toString(),
                        content.toString());
        // GOODSIG: the signature holds; VALIDSIG and TRUST_FULLY: the chain reaches the trusted CA
        if (r.exitCode() == 0
                && r.output().contains("[GNUPG:] GOODSIG ")
                && r.output().contains("[GNUPG:] VALIDSIG ")
                && r.output().contains("[GNUPG:] TRUST_FULLY")) {
            return new Outcome.Done(parts.content());
        }
        Matcher bad =
                Pattern.compile("\\[GNUPG:] (BADSIG|ERRSIG|TRUST_\\w+|INV_\\w+)")
                        .matcher(r.output());
        return new Outcome.Refused(bad.find() ? bad.group(1) : r.output().strip());
    }

    @Override
    public byte[] signDetached(byte[] content, String customer) throws Exception {
        importKey(customer);
        return made(content, ".p7s", "sign", true, "--detach-sign", "--local-user", customer);
    }

    /** The recipient's certificate imported first (its CA is trusted through trustlist.txt). */
    @Override
    public byte[] envelope(byte[] content, Path recipientPem) throws Exception {
        gpgsm(new byte[0], "--import", recipientPem.toString());
        byte[] der;
        try (var pem = Files.newInputStream(recipientPem)) {
            der = CertificateFactory.getInstance("X.509").generateCertificate(pem).getEncoded();
        }
        return made(
                content,
                ".p7m",
                "encrypt",
                false,
                "--encrypt",
                "--recipient",
                fingerprint(der).replace(":", ""));
    }

    /**
     * What {@code gpgsm <options> --output <out> <command> <in>} makes of {@code content}; {@code
     * withKey}: the passphrase of the customer's key given through the loopback pinentry.
     */
    private byte[] made(
            byte[] content,
            String suffix,
            String what,
            boolean withKey,
            String command,
            String... options)
            throws Exception {
        Path in = Files.write(Files.createTempFile(work, "content", ".txt"), content);
        Path out = Path.of(in + suffix);
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--output", out.toString(), command, in.toString()));
        String[] a = args.toArray(String[]::new);
        ExternalTool.Result r = withKey ? withKey(a) : gpgsm(new byte[0], a);
        if (r.exitCode() != 0) {
            throw new AssertionError("gpgsm did not " + what + ":\n" + r.output());
        }
        return Files.readAllBytes(out);
    }

    /**
     * PKCS#12 import; gpgsm 2.2 crashes on EC keys in PKCS#12, so an EC key that fails there is
     * handed to gpg-agent as a key file under its keygrip instead, and the matrix says so.
     */
    private void importKey(String customer) throws Exception {
        if (!imported.add(customer)) {
            return;
        }
        Path p12 = work.resolve(customer + ".p12");
        // gpgsm 2.2.40 fails on about one in twelve 3DES-encrypted certificate bags ("possibly bad
        // passphrase"); the certificate is public, so only the key bag is encrypted
        ExternalTool.ok(
                dir,
                "openssl",
                "pkcs12",
                "-export",
                "-in",
                "customers/" + customer + ".crt",
                "-inkey",
                "customers/" + customer + ".key",
                "-out",
                p12.toString(),
                "-passout",
                "pass:" + new String(PASSPHRASE, StandardCharsets.US_ASCII).strip(),
                "-certpbe",
                "NONE",
                "-keypbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1");
        ExternalTool.Result r = withKey("--import", p12.toString());
        DemoPki.Issued issued = customers.apply(customer);
        if (r.output().contains("secret keys imported: 1")) {
            return;
        }
        if (!(issued.key() instanceof ECPrivateKey ec)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new AssertionError(
                    "gpgsm did not import the key of " + customer + ":\n" + r.output());
        }
        // one fixed sentence: gpgsm 2.2.40 fails here in more than one way (a segmentation fault,
        // or
        // "decryption failed" on the key bag), and docs/INTEROP.md must come out the same every run
        notes.add(
                "gpgsm cannot import an EC key from PKCS#12 (it crashes or cannot decrypt the key bag); "
                        + "the EC key was handed to gpg-agent as a key file");
        gpgsm(new byte[0], "--import", "customers/" + customer + ".crt");
        String listing =
                gpgsm(new byte[0], "--with-colons", "--with-keygrip", "--list-keys", customer)
                        .output();
        Matcher grip = Pattern.compile("(?m)^grp:+([0-9A-F]{40}):").matcher(listing);
        if (!grip.find()) {
            throw new AssertionError("no keygrip for " + customer + ":\n" + listing);
        }
        Path keys = Files.createDirectories(Path.of(env.get("GNUPGHOME"), "private-keys-v1.d"));
        // gpg-agent's extended key format, unprotected: the curve, the public point q and the
        // secret d
        Files.writeString(
                keys.resolve(grip.group(1) + ".key"),
                "Key: (private-key (ecc (curve \"NIST P-256\") (q #"
                        + point((ECPublicKey) issued.certificate().getPublicKey())
                        + "#) (d #"
                        + hex(ec.getS())
                        + "#)))\n");
    }

    private static String point(ECPublicKey key) {
        return "04" + hex(key.getW().getAffineX()) + hex(key.getW().getAffineY());
    }

    private static String hex(BigInteger n) {
        return String.format("%064X", n);
    }

    private static String fingerprint(byte[] der) throws Exception {
        return HexFormat.ofDelimiter(":")
                .withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(der));
    }

    /** gpgsm with {@link #PASSPHRASE} through the loopback pinentry. */
    private ExternalTool.Result withKey(String... args) throws Exception {
        List<String> all = new ArrayList<>(LOOPBACK);
        all.addAll(List.of(args));
        return gpgsm(PASSPHRASE, all.toArray(String[]::new));
    }

    private ExternalTool.Result gpgsm(byte[] stdin, String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "gpgsm";
        command[1] = "--batch";
        System.arraycopy(args, 0, command, 2, args.length);
        return ExternalTool.run(dir, env, stdin, command);
    }

    /** Stops the gpg-agent this GNUPGHOME started (and only that one). */
    @Override
    public void close() throws IOException {
        try {
            ExternalTool.run(dir, env, new byte[0], "gpgconf", "--kill", "all");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping gpg-agent");
        }
    }
}
