package io.mailseal.testing;

import io.mailseal.demo.DemoPki.Issued;
import io.mailseal.demo.PkiFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A SoftHSM2 token for one test class, in the directory {@code SOFTHSM2_CONF} (set by the pom for
 * surefire and failsafe, under target/softhsm) names: created with {@code softhsm2-util
 * --init-token}, keys and their certificates (same CKA_ID and label) written with {@code
 * pkcs11-tool}; the key files are deleted at once. {@link #away()} and {@link #back()} move the
 * token's directory out of SoftHSM's sight and back, as an HSM that restarts or is unplugged.
 * Deleted on close.
 */
public final class SoftHsm implements AutoCloseable {
    public static final String PIN = "4711-test-pin";
    private static final String SO_PIN = "so-pin-test";

    private final Path tokens;
    private final Path work;
    private final String label;
    private final Path tokenDirectory;
    private int nextId = 1;

    private SoftHsm(Path tokens, Path work, String label, Path tokenDirectory) {
        this.tokens = tokens;
        this.work = work;
        this.label = label;
        this.tokenDirectory = tokenDirectory;
    }

    /** The Debian package's library (softhsm2, multi-arch path or the compatibility link). */
    public static Path library() {
        return Stream.of(
                        "/usr/lib/softhsm/libsofthsm2.so",
                        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")
                .map(Path::of)
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new AssertionError("softhsm2 is not installed (.ci/run does)"));
    }

    /** A new token with a unique label; {@code work} holds the temporary key files. */
    public static SoftHsm create(Path work) throws IOException, InterruptedException {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new AssertionError("SOFTHSM2_CONF is not set (the pom sets it for the tests)");
        }
        Path tokens = Path.of(conf).resolveSibling("tokens");
        Files.createDirectories(tokens);
        Files.writeString(
                Path.of(conf),
                "directories.tokendir = "
                        + tokens
                        + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Set<Path> before = listing(tokens);
        String label = "t-" + UUID.randomUUID().toString().substring(0, 8);
        ExternalTool.ok(
                work,
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN);
        Set<Path> created = listing(tokens);
        created.removeAll(before);
        if (created.size() != 1) {
            throw new AssertionError("expected one new token directory, got " + created);
        }
        return new SoftHsm(tokens, work, label, created.iterator().next());
    }

    public String label() {
        return label;
    }

    /**
     * Puts {@code issued}'s key into the token under {@code keyLabel}, with its certificate (same
     * CKA_ID, same label) when {@code withCertificate}.
     */
    public void importKey(String keyLabel, Issued issued, boolean withCertificate)
            throws IOException, InterruptedException, GeneralSecurityException {
        String id = String.format("%02x", nextId++);
        Path key = PkiFiles.writePrivateKey(work.resolve(keyLabel + ".key.pem"), issued);
        try {
            // sensitive (never extractable from the token); EC keys may derive (ECDH), RSA decrypt
            write(
                    key,
                    id,
                    keyLabel,
                    "privkey",
                    "--sensitive",
                    "--usage-sign",
                    "EC".equals(issued.key().getAlgorithm())
                            ? "--usage-derive"
                            : "--usage-decrypt");
        } finally {
            Files.delete(key);
        }
        if (withCertificate) {
            write(
                    Files.write(work.resolve(keyLabel + ".der"), issued.certificate().getEncoded()),
                    id,
                    keyLabel,
                    "cert");
        }
    }

    /** {@code pkcs11-tool --write-object file --type type --id id --label label more...}. */
    private void write(Path file, String id, String objectLabel, String type, String... more)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "pkcs11-tool",
                                "--module",
                                library().toString(),
                                "--token-label",
                                label,
                                "--login",
                                "--pin",
                                PIN,
                                "--write-object",
                                file.toString(),
                                "--type",
                                type,
                                "--id",
                                id,
                                "--label",
                                objectLabel));
        command.addAll(List.of(more));
        ExternalTool.ok(work, command.toArray(String[]::new));
    }

    /** The token disappears (its directory moved out of the token directory). */
    public void away() throws IOException {
        Files.move(tokenDirectory, parked());
    }

    /** The token is back as it was. */
    public void back() throws IOException {
        Files.move(parked(), tokenDirectory);
    }

    private Path parked() {
        return tokens.resolveSibling("parked-" + tokenDirectory.getFileName());
    }

    private static Set<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new HashSet<>(s.toList());
        }
    }

    @Override
    public void close() throws IOException {
        if (Files.isDirectory(parked())) {
            back();
        }
        try {
            ExternalTool.ok(work, "softhsm2-util", "--delete-token", "--token", label);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting token " + label, e);
        }
    }

    /** For a relay.conf {@code pkcs11 { }} block: library, token-label, pin-file. */
    public String pkcs11(String keyLabel, Path pinFile) {
        return "{ library = \"%s\", token-label = \"%s\", key-label = \"%s\", pin-file = \"%s\" }"
                .formatted(library(), label, keyLabel, pinFile);
    }

    /** Writes the token's PIN into {@code dir}/hsm.pin (for {@code pin-file}). */
    public Path pinFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("hsm.pin"), PIN + "\n");
    }
}
