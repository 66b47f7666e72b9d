package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailseal.demo.CaptureSink.Verb;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an administrator uses it (root, dpkg, no systemd needed): install,
 * check-config, the relay running as user mailseal sealing a one-time code, an upgrade to a rebuilt
 * package with another version that keeps the edited relay.conf and the queued mail, then remove
 * and purge. Changes this machine: runs only as root where dpkg is, and purges what it installed.
 */
class DebPackageIT {
    private static final Path ETC = Path.of("/etc/mailseal");
    private static final Path SPOOL = Path.of("/var/spool/mailseal");
    @TempDir Path dir;

    @BeforeAll
    static void rootWithDpkg() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name"))
                        && Files.isExecutable(Path.of("/usr/bin/dpkg")),
                "needs root and dpkg (CI has both)");
        purge();
    }

    @AfterAll
    static void purge() throws Exception {
        ExternalTool.run(Path.of("/"), "dpkg", "--purge", "mailseal");
        ExternalTool.run(Path.of("/"), "rm", "-rf", ETC.toString());
    }

    @Test
    void installRunAsMailsealUpgradeKeepingConfigAndQueueThenRemove() throws Exception {
        Path deb = builtPackage();
        ExternalTool.ok(Path.of("/"), "dpkg", "-i", deb.toString());
        assertThat(ExternalTool.ok(Path.of("/"), "getent", "passwd", "mailseal"))
                .contains("/var/lib/mailseal");
        for (Path d : List.of(SPOOL, Path.of("/var/lib/mailseal"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d)))
                    .isEqualTo("rwx------");
            assertThat(Files.getOwner(d).getName()).isEqualTo("mailseal");
        }
        assertThat(ExternalTool.ok(Path.of("/"), "/usr/bin/mailseal", "--version"))
                .containsPattern("(?m)^mailseal ");

        int port = LoopbackPorts.free();
        try (DemoWorld world = new DemoWorld(ETC, Clock.systemUTC())) {
            world.addCustomer(BankMail.ALICE, KeyKind.RSA);
            Path conf =
                    world.writeConfig(
                            BankMail.POLICIES,
                            """
                            smtp.listen = "127.0.0.1:%d"
                            spool.directory = "%s"
                            delivery.shutdown-grace = 2s
                            """
                                    .formatted(port, SPOOL));
            ExternalTool.ok(Path.of("/"), "chown", "-R", "root:mailseal", ETC.toString());
            ExternalTool.ok(Path.of("/"), "chmod", "-R", "g+rX", ETC.toString());
            assertThat(asMailseal("check-config", "-c", conf.toString())).contains(": ok");
            byte[] edited = Files.readAllBytes(conf);

            SubmissionClient bank = new SubmissionClient("127.0.0.1", port);
            Process relay = runAsMailseal(conf, port, "first");
            try {
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(BankMail.ALICE),
                                                BankMail.otp(BankMail.ALICE, "104729"))
                                        .code())
                        .isEqualTo(250);
                assertThat(world.sink().awaitMessages(1, Duration.ofSeconds(30))).isTrue();
                assertThat(
                                BankMail.opensslOpens(
                                        ETC,
                                        Files.write(
                                                dir.resolve("1.eml"),
                                                world.sink().messages().get(0).content()),
                                        BankMail.ALICE))
                        .contains("104729");
                world.sink().failNext(Verb.DATA, 451, "4.3.0 try again later");
                assertThat(
                                bank.send(
                                                DemoWorld.BANK_SENDER,
                                                List.of(BankMail.ALICE),
                                                BankMail.otp(BankMail.ALICE, "130363"))
                                        .code())
                        .isEqualTo(250);
                Eventually.await(
                        "the second message deferred",
                        Duration.ofSeconds(30),
                        () -> Files.readString(dir.resolve("first.log")).contains("deferred"));
            } finally {
                stop(relay);
            }
            assertThat(queued()).as("the deferred message is queued").hasSize(1);

            Path upgrade = rebuiltWithVersion(deb, "0.1.0~SNAPSHOT+upgrade1");
            ExternalTool.ok(Path.of("/"), "dpkg", "-i", upgrade.toString());
            assertThat(
                            ExternalTool.ok(
                                    Path.of("/"),
                                    "dpkg-query",
                                    "-W",
                                    "-f",
                                    "${Version}",
                                    "mailseal"))
                    .isEqualTo("0.1.0~SNAPSHOT+upgrade1");
            assertThat(Files.readAllBytes(conf))
                    .as("the administrator's relay.conf survives")
                    .isEqualTo(edited);
            assertThat(queued()).as("the queue survives").hasSize(1);

            relay = runAsMailseal(conf, port, "second");
            try {
                assertThat(world.sink().awaitMessages(2, Duration.ofSeconds(30)))
                        .as("delivered after the upgrade")
                        .isTrue();
            } finally {
                stop(relay);
            }
        }
        ExternalTool.ok(Path.of("/"), "dpkg", "-r", "mailseal");
        assertThat(Files.exists(Path.of("/usr/bin/mailseal"))).isFalse();
        assertThat(Files.exists(ETC.resolve("relay.conf")))
                .as("remove keeps configuration")
                .isTrue();
    }

    private static Path builtPackage() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("mailseal_.*_all\\.deb"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "mvn package builds target/mailseal_*_all.deb"))
                    .toAbsolutePath();
        }
    }

    /** The same package with another version, as the next release would be. */
    private Path rebuiltWithVersion(Path deb, String version) throws Exception {
        Path tree = dir.resolve("tree");
        ExternalTool.ok(dir, "dpkg-deb", "-R", deb.toString(), tree.toString());
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(
                control,
                Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path out = dir.resolve("mailseal_" + version + "_all.deb");
        ExternalTool.ok(dir, "dpkg-deb", "-b", tree.toString(), out.toString());
        return out;
    }

    private static List<Path> queued() throws Exception {
        try (Stream<Path> files = Files.list(SPOOL.resolve("queue"))) {
            return files.toList();
        }
    }

    private static String asMailseal(String... args) throws Exception {
        String[] command =
                Stream.concat(
                                Stream.of(
                                        "setpriv",
                                        "--reuid=mailseal",
                                        "--regid=mailseal",
                                        "--init-groups",
                                        "/usr/bin/mailseal"),
                                Stream.of(args))
                        .toArray(String[]::new);
        return ExternalTool.ok(Path.of("/"), command);
    }

    /**
     * The relay as user mailseal, its output in {@code <name>.log}; setpriv execs, so SIGTERM
     * reaches the JVM.
     */
    private Process runAsMailseal(Path conf, int port, String name) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(
                                "setpriv",
                                "--reuid=mailseal",
                                "--regid=mailseal",
                                "--init-groups",
                                "/usr/bin/mailseal",
                                "run",
                                "-c",
                                conf.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("HOME", "/var/lib/mailseal");
        Process p = pb.start();
        LoopbackPorts.awaitListening(p, port);
        return p;
    }

    private static void stop(Process relay) throws InterruptedException {
        relay.destroy();
        if (!relay.waitFor(40, TimeUnit.SECONDS)) {
            relay.destroyForcibly();
        }
    }
}
