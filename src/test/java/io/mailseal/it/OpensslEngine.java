package io.mailseal.it;

import io.mailseal.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** OpenSSL's {@code cms} command: the engine of OpenSSL-based clients and gateways. */
final class OpensslEngine implements ReaderEngine, CustomerEngine {
    /**
     * openssl 3 error lines: {@code
     * <thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>}.
     */
    private static final Pattern ERROR = Pattern.compile("error:[0-9A-F]+:[^:]*:([^:]*):([^:]+)");

    private final Path dir;
    private final Path work;

    /** {@code dir} holds the demo world (customers/, certs/trust/ca.pem). */
    OpensslEngine(Path dir) throws Exception {
        this.dir = dir;
        this.work = Files.createDirectories(dir.resolve("openssl"));
    }

    @Override
    public String name() {
        return "OpenSSL";
    }

    @Override
    public String version() throws Exception {
        // "OpenSSL 3.0.19 27 Jan 2026 (Library: ...)": the release is the second word
        return ExternalTool.ok(dir, "openssl", "version").split("\\s+")[1];
    }

    @Override
    public String clients() {
        return "OpenSSL-based clients and gateways";
    }

    @Override
    public Outcome open(Path eml, String customer) throws Exception {
        Path out = work.resolve(eml.getFileName() + ".dec");
        return outcome(
                out,
                "cms",
                "-decrypt",
                "-in",
                eml.toString(),
                "-recip",
                "customers/" + customer + ".crt",
                "-inkey",
                "customers/" + customer + ".key",
                "-out",
                out.toString());
    }

    @Override
    public Outcome verify(byte[] signedEntity) throws Exception {
        Path in = Files.write(Files.createTempFile(work, "signed", ".eml"), signedEntity);
        Path out = Path.of(in + ".content");
        return outcome(
                out,
                "cms",
                "-verify",
                "-in",
                in.toString(),
                "-CAfile",
                "certs/trust/ca.pem",
                "-purpose",
                "any",
                "-out",
                out.toString());
    }

    @Override
    public byte[] signDetached(byte[] content, String customer) throws Exception {
        Path in = Files.write(Files.createTempFile(work, "content", ".txt"), content);
        return made(
                "-sign",
                "-binary",
                "-outform",
                "DER",
                "-in",
                in.toString(),
                "-signer",
                "customers/" + customer + ".crt",
                "-inkey",
                "customers/" + customer + ".key");
    }

    @Override
    public byte[] envelope(byte[] content, Path recipientPem) throws Exception {
        Path in = Files.write(Files.createTempFile(work, "content", ".txt"), content);
        return made(
                "-encrypt",
                "-binary",
                "-outform",
                "DER",
                "-aes256",
                "-in",
                in.toString(),
                recipientPem.toString());
    }

    /**
     * The DER {@code openssl cms <op>} wrote with {@code args} (positional ones last, as openssl 3
     * wants them); fails the test when it refused.
     */
    private byte[] made(String op, String... args) throws Exception {
        Path out = Files.createTempFile(work, "made", ".der");
        List<String> command =
                new ArrayList<>(List.of("openssl", "cms", op, "-out", out.toString()));
        command.addAll(List.of(args));
        ExternalTool.ok(dir, command.toArray(String[]::new));
        return Files.readAllBytes(out);
    }

    private Outcome outcome(Path out, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        ExternalTool.Result r = ExternalTool.run(dir, command);
        if (r.exitCode() == 0) {
            return new Outcome.Done(Files.readAllBytes(out));
        }
        Matcher m = ERROR.matcher(r.output());
        return new Outcome.Refused(
                m.find() ? m.group(2) + " (" + m.group(1) + ")" : r.output().strip());
    }
}
