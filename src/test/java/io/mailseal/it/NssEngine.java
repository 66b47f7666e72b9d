package io.mailseal.it;

import io.mailseal.testing.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NSS, the engine of Thunderbird and Evolution, through {@code cmsutil}: {@code -D} decrypts with
 * the key imported by {@code pk12util}; {@code -D -c content -u 4 -h 1} verifies the detached
 * signature with the demo CA trusted by {@code certutil}.
 */
final class NssEngine implements ReaderEngine, CustomerEngine {
    private static final Pattern SEC_ERROR = Pattern.compile("SEC_ERROR_[A-Z_]+");
    private static final Pattern STATUS = Pattern.compile("signer0\\.status=(\\w+)");
    private final Path dir;
    private final Path work;
    private final String db;
    private final Set<String> imported = new HashSet<>();

    /** {@code dir} holds the demo world (customers/, certs/trust/ca.pem). */
    NssEngine(Path dir) throws Exception {
        this.dir = dir;
        this.work = Files.createDirectories(dir.resolve("nss"));
        this.db = "sql:" + Files.createDirectories(work.resolve("db"));
        ExternalTool.ok(dir, "certutil", "-N", "-d", db, "--empty-password");
        addCertificate("demo-ca", "C,C,C", "certs/trust/ca.pem");
    }

    /**
     * {@code certutil -A}: the certificate in {@code pem} under {@code nick} with {@code trust}.
     */
    private void addCertificate(String nick, String trust, String pem) throws Exception {
        ExternalTool.ok(dir, "certutil", "-A", "-d", db, "-n", nick, "-t", trust, "-i", pem);
    }

    @Override
    public String name() {
        return "NSS";
    }

    /** cmsutil has no version option; the NSS library it loads names its release. */
    @Override
    public String version() throws Exception {
        String ldd = ExternalTool.ok(dir, "sh", "-c", "ldd \"$(command -v cmsutil)\"");
        Matcher lib = Pattern.compile("libnss3\\.so\\S* => (\\S+)").matcher(ldd);
        if (!lib.find()) {
            return "unknown";
        }
        Matcher v =
                Pattern.compile("NSS (3\\.\\d+(\\.\\d+)*)")
                        .matcher(
                                new String(
                                        Files.readAllBytes(Path.of(lib.group(1))),
                                        StandardCharsets.ISO_8859_1));
        return v.find() ? v.group(1) : "unknown";
    }

    @Override
    public String clients() {
        return "Thunderbird, Evolution";
    }

    @Override
    public Outcome open(Path eml, String customer) throws Exception {
        importKey(customer);
        Path der = ReaderEngine.envelopeDer(eml, work.resolve(eml.getFileName() + ".der"));
        Path out = work.resolve(eml.getFileName() + ".dec");
        ExternalTool.Result r =
                ExternalTool.run(
                        dir, "cmsutil", "-D", "-i", der.toString(), "-d", db, "-o", out.toString());
        return r.exitCode() == 0 ? new Outcome.Done(Files.readAllBytes(out)) : refused(r.output());
    }

    @Override
    public Outcome verify(byte[] signedEntity) throws Exception {
        SignedEntity parts = SignedEntity.split(signedEntity);
        Path content = Files.write(Files.createTempFile(work, "content", ".bin"), parts.content());
        Path sig = Files.write(Path.of(content + ".p7s"), parts.signature());
        ExternalTool.Result r =
                ExternalTool.run(
                        dir,
                        "cmsutil",
                        "-D",
                        "-i",
                        sig.toString(),
                        "-c",
                        content.toString(),
                        "-u",
                        "4",
                        "-d",
                        db,
                        "-h",
                        "1");
        Matcher status = STATUS.matcher(r.output());
        if (r.exitCode() == 0 && status.find() && status.group(1).equals("GoodSignature")) {
            return new Outcome.Done(parts.content());
        }
        return status.find(0) ? new Outcome.Refused(status.group(1)) : refused(r.output());
    }

    /** {@code cmsutil -S -T}: detached, SHA-256, signing time and S/MIME capabilities. */
    @Override
    public byte[] signDetached(byte[] content, String customer) throws Exception {
        importKey(customer);
        return cmsutil(content, ".p7s", "-S", "-T", "-G", "-P", "-H", "SHA256", "-N", customer);
    }

    /** {@code cmsutil -E -r}: the recipient's certificate added to the database first. */
    @Override
    public byte[] envelope(byte[] content, Path recipientPem) throws Exception {
        String nick = "recipient-" + recipientPem.getFileName();
        if (imported.add(nick)) {
            addCertificate(nick, ",,", recipientPem.toString());
        }
        return cmsutil(content, ".p7m", "-E", "-r", nick);
    }

    /** What {@code cmsutil <args> -d <db>} makes of {@code content} (in and out as files). */
    private byte[] cmsutil(byte[] content, String suffix, String... args) throws Exception {
        Path in = Files.write(Files.createTempFile(work, "content", ".txt"), content);
        Path out = Path.of(in + suffix);
        List<String> command = new ArrayList<>(List.of("cmsutil"));
        command.addAll(List.of(args));
        command.addAll(List.of("-d", db, "-i", in.toString(), "-o", out.toString()));
        ExternalTool.ok(dir, command.toArray(String[]::new));
        return Files.readAllBytes(out);
    }

    private void importKey(String customer) throws Exception {
        if (imported.add(customer)) {
            Path p12 = work.resolve(customer + ".p12");
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
                    "-name",
                    customer,
                    "-passout",
                    "pass:nss",
                    "-certpbe",
                    "AES-256-CBC",
                    "-keypbe",
                    "AES-256-CBC");
            ExternalTool.ok(dir, "pk12util", "-i", p12.toString(), "-d", db, "-W", "nss");
        }
    }

    private static Outcome refused(String output) {
        Matcher m = SEC_ERROR.matcher(output);
        return new Outcome.Refused(m.find() ? m.group() : output.strip());
    }
}
