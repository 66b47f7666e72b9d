package io.mailseal.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server for tests: BIND 9's {@code named} (Debian {@code bind9}) on
 * 127.0.0.1 at a free port, with a private configuration and directory (no system config, no rndc),
 * serving {@code test.} signed with {@code dnssec-signzone} and the child zones it is given, each
 * delegated from it: signed ones with their DS in {@code test.}, unsigned ones without (an insecure
 * delegation), broken ones signed and then altered (a signature that does not verify). {@link
 * #trustAnchors()} is the DS of {@code test.}: the validating resolver starts from it as it would
 * from the root. One per test class; {@link #close()} stops the process by its PID.
 */
public final class SignedDns implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(20);
    private static final String PARENT = "test";

    /**
     * A zone below {@code test.}: {@code records} in zone-file form relative to the origin (e.g.
     * {@code "@ MX 10 mx"}, {@code "mx A 127.0.0.1"}); SOA and NS are added.
     */
    public record Zone(
            String name, Kind kind, List<String> records, String tamperFrom, String tamperTo) {
        public static Zone signed(String name, String... records) {
            return new Zone(name, Kind.SIGNED, List.of(records), "", "");
        }

        public static Zone unsigned(String name, String... records) {
            return new Zone(name, Kind.UNSIGNED, List.of(records), "", "");
        }

        /** Signed, then {@code from} replaced by {@code to} in the signed zone's text. */
        public static Zone broken(String name, String from, String to, String... records) {
            return new Zone(name, Kind.SIGNED, List.of(records), from, to);
        }
    }

    public enum Kind {
        SIGNED,
        UNSIGNED
    }

    private final Path dir;
    private final int port;
    private final Process named;

    private SignedDns(Path dir, int port, Process named) {
        this.dir = dir;
        this.port = port;
        this.named = named;
    }

    public static SignedDns start(Path dir, Zone... zones) throws Exception {
        Files.createDirectories(dir);
        StringBuilder delegations = new StringBuilder();
        StringBuilder conf = new StringBuilder();
        for (Zone z : zones) {
            String file = zoneFile(dir, z.name(), z.records());
            delegations.append(z.name()).append(". IN NS ns.test.\n");
            if (z.kind() == Kind.SIGNED) {
                file = sign(dir, z.name(), file);
                delegations.append(Files.readString(dir.resolve("dsset-" + z.name() + ".")));
                if (!z.tamperFrom().isEmpty()) {
                    String text = Files.readString(dir.resolve(file));
                    if (!text.contains(z.tamperFrom())) {
                        throw new IllegalArgumentException(z.tamperFrom() + " not in " + z.name());
                    }
                    Files.writeString(
                            dir.resolve(file), text.replace(z.tamperFrom(), z.tamperTo()));
                }
            }
            conf.append(zoneStatement(z.name(), dir.resolve(file)));
        }
        String parent =
                sign(
                        dir,
                        PARENT,
                        zoneFile(dir, PARENT, List.of("ns A 127.0.0.1", delegations.toString())));
        conf.append(zoneStatement(PARENT, dir.resolve(parent)));
        Files.writeString(
                dir.resolve("trust-anchors.ds"),
                Files.readString(dir.resolve("dsset-" + PARENT + ".")));
        int port = LoopbackPorts.free();
        Files.writeString(
                dir.resolve("named.conf"),
                """
                options {
                    directory "%1$s";
                    pid-file "%1$s/named.pid";
                    session-keyfile "%1$s/session.key";
                    managed-keys-directory "%1$s";
                    listen-on port %2$d { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    dnssec-validation no;
                    allow-query { any; };
                    notify no;
                };
                controls { };
                %3$s
                """
                        .formatted(dir, port, conf));
        Process named =
                new ProcessBuilder(
                                "named",
                                "-f",
                                "-4",
                                "-n",
                                "1",
                                "-c",
                                dir.resolve("named.conf").toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("named.log").toFile())
                        .start();
        SignedDns dns = new SignedDns(dir, port, named);
        try {
            dns.awaitServing();
        } catch (Exception | AssertionError e) {
            dns.close();
            throw new IllegalStateException("named did not start: " + dns.log(), e);
        }
        return dns;
    }

    public int port() {
        return port;
    }

    /**
     * The DS records of {@code test.} in zone-file form, for {@code mailseal.dns.trust-anchors}.
     */
    public Path trustAnchors() {
        return dir.resolve("trust-anchors.ds");
    }

    public String log() throws IOException {
        Path log = dir.resolve("named.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void awaitServing() throws Exception {
        SimpleResolver probe = new SimpleResolver("127.0.0.1");
        probe.setPort(port);
        probe.setTimeout(Duration.ofMillis(300));
        Message soa =
                Message.newQuery(
                        Record.newRecord(Name.fromString(PARENT + "."), Type.SOA, DClass.IN));
        Eventually.await(
                "named answering on 127.0.0.1:" + port,
                START,
                () -> {
                    if (!named.isAlive()) {
                        throw new IllegalStateException("named exited " + named.exitValue());
                    }
                    try {
                        return probe.send(soa).getRcode() == Rcode.NOERROR;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private static String zoneFile(Path dir, String name, List<String> records) throws IOException {
        String file = name + ".zone";
        Files.writeString(
                dir.resolve(file),
                "$ORIGIN "
                        + name
                        + ".\n$TTL 300\n"
                        + "@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n"
                        + "@ IN NS ns.test.\n"
                        + String.join("\n", records)
                        + "\n");
        return file;
    }

    /** One ECDSA P-256 key as CSK (signs everything); writes {@code dsset-NAME.}. */
    private static String sign(Path dir, String name, String file) throws Exception {
        String key =
                ExternalTool.ok(
                                dir,
                                "dnssec-keygen",
                                "-q",
                                "-K",
                                dir.toString(),
                                "-a",
                                "ECDSAP256SHA256",
                                "-f",
                                "KSK",
                                "-n",
                                "ZONE",
                                name + ".")
                        .strip();
        key = key.substring(key.lastIndexOf('\n') + 1); // the key's name is the last line
        Files.writeString(
                dir.resolve(file),
                Files.readString(dir.resolve(file))
                        + "$INCLUDE "
                        + dir.resolve(key + ".key")
                        + "\n");
        ExternalTool.ok(
                dir,
                "dnssec-signzone",
                "-q",
                "-z",
                "-O",
                "full",
                "-d",
                dir.toString(),
                "-K",
                dir.toString(),
                "-o",
                name + ".",
                "-f",
                dir.resolve(file + ".signed").toString(),
                dir.resolve(file).toString(),
                dir.resolve(key).toString());
        return file + ".signed";
    }

    private static String zoneStatement(String name, Path file) {
        return "zone \"" + name + ".\" { type primary; file \"" + file + "\"; };\n";
    }

    /** Stops named by its PID (TERM, then KILL after 10 s). */
    @Override
    public void close() {
        named.destroy();
        try {
            if (!named.waitFor(10, TimeUnit.SECONDS)) {
                named.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            named.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
