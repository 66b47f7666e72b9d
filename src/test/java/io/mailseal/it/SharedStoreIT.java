package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.ConfigLoader;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.PkiFiles;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.ExternalTool;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.Postgres;
import io.mailseal.testing.SignedCustomerMail;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relays in one JVM sharing one real PostgreSQL (issue 24): what node A harvests or imports,
 * node B seals to; B hears of an import within a second; with the database stopped B seals from its
 * cache and answers 451 where it would need the database, and is back without a restart. The schema
 * is migrated by the shipped jar, as an operator would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedStoreIT {
    private static final String ALICE = BankMail.ALICE;
    private static final String BOB = BankMail.BOB;
    private static final String CAROL = BankMail.CAROL;
    private static Postgres pg;

    @TempDir Path dir;

    @BeforeAll
    static void server() throws Exception {
        pg = Postgres.create();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    /** Node {@code node}'s relay.conf: spool under {@code node/}, the harvest in the database. */
    private Path config(DemoWorld world, String node, int adminPort) throws Exception {
        Path conf =
                world.writeConfig(
                        BankMail.POLICIES,
                        """
                        spool.directory = "%s/spool"
                        admin.listen = "127.0.0.1:%d"
                        certificates.sources = [ { type = harvest } ]
                        store {
                          type = postgresql, url = "%s", user = %s, password-file = "%s"
                          node = %s, timeout = 1s, recheck-interval = 5s
                        }
                        inbound {
                          listen = "127.0.0.1:0"
                          next-hop = "127.0.0.1:%d"
                          authserv-id = "mailseal.bank.example"
                          allowed-clients = ["127.0.0.0/8"]
                          policies = [ { name = default, require = none } ]
                        }
                        """
                                .formatted(
                                        node,
                                        adminPort,
                                        pg.url(),
                                        Postgres.USER,
                                        pg.passwordFile(),
                                        node,
                                        world.sink().port()));
        return Files.move(conf, dir.resolve(node + ".conf"));
    }

    /** A customer whose certificate is published nowhere; openssl has the key (customers/). */
    private DemoPki.Issued customer(DemoWorld world, String address) throws Exception {
        DemoPki.Issued c = world.pki().customer(address, KeyKind.RSA);
        PkiFiles.writeCertificate(dir.resolve("customers/" + address + ".crt"), c.certificate());
        PkiFiles.writePrivateKey(dir.resolve("customers/" + address + ".key"), c);
        return c;
    }

    @Test
    @Order(1)
    void theShippedJarMigratesTheSchemaAndReportsItsState() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Path conf = config(world, "node-a", LoopbackPorts.free());
            ExternalTool.Result before = shippedJar("store", "status", "-c", conf.toString());
            assertThat(before.exitCode()).as(before.output()).isEqualTo(1);
            assertThat(before.output())
                    .contains("as node node-a: schema version none, this mailseal needs 2")
                    .contains("run mailseal store migrate");

            ExternalTool.Result migrated = shippedJar("store", "migrate", "-c", conf.toString());
            assertThat(migrated.exitCode()).as(migrated.output()).isZero();
            assertThat(migrated.output())
                    .contains(pg.url() + " as node node-a: schema version none before")
                    .contains("applied 2 migration(s): schema version 2 after");

            ExternalTool.Result again = shippedJar("store", "migrate", "-c", conf.toString());
            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(again.output())
                    .contains("schema version 2 before")
                    .contains("applied 0 migration(s): schema version 2 after");

            CommandLineIT.Run status =
                    CommandLineIT.mailseal("store", "status", "-c", conf.toString());
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out())
                    .contains("store postgresql " + pg.url() + " as node node-a: schema version 2")
                    .contains("harvests kept on this node's disk for it: 0");
            CommandLineIT.Run check = CommandLineIT.mailseal("check-config", "-c", conf.toString());
            assertThat(check.exit()).as(check.err()).isZero();
            assertThat(check.out())
                    .contains(
                            "  store postgresql " + pg.url() + " as node node-a: schema version 2");
        }
    }

    @Test
    @Order(2)
    void whatOneNodeHarvestsTheOtherSealsToAndItKeepsSealingFromCacheWhileTheDatabaseIsAway()
            throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            DemoPki.Issued alice = customer(world, ALICE);
            DemoPki.Issued bob = customer(world, BOB);
            DemoPki.Issued carol = customer(world, CAROL);
            int adminA = LoopbackPorts.free();
            Path confA = config(world, "node-a", adminA);
            Path confB = config(world, "node-b", LoopbackPorts.free());
            try (Relay a = Relay.start(ConfigLoader.load(confA), Clock.systemUTC());
                    Relay b = Relay.start(ConfigLoader.load(confB), Clock.systemUTC())) {
                SubmissionClient bankB = new SubmissionClient("127.0.0.1", b.port());
                Eventually.await(
                        "node b follows the store",
                        Duration.ofSeconds(10),
                        () -> ready(b).statusCode() == 200);

                // Alice's signed mail comes in through node A's inbound listener
                SubmissionClient.Reply in =
                        new SubmissionClient("127.0.0.1", a.inboundPort())
                                .send(
                                        ALICE,
                                        List.of("service@bank.example"),
                                        new String(
                                                new SignedCustomerMail(ALICE, alice)
                                                        .including(world.pki().ca().certificate())
                                                        .eml(),
                                                StandardCharsets.ISO_8859_1));
                assertThat(in.code()).as(in.line()).isEqualTo(250);
                SubmissionClient.Reply otp = otp(bankB, ALICE, "100001");
                assertThat(otp.code()).as(otp.line()).isEqualTo(250);
                CapturedMessage sealed = to(world, ALICE, 1);
                assertThat(sealed.text())
                        .as("the client's announced AES-256-GCM, from the database")
                        .contains("smime-type=authEnveloped-data");
                assertThat(open(sealed, ALICE, "100001")).contains("Your one-time code is 100001");

                // certs import on node A: node B stops saying "not found" within a second
                assertThat(recipient(b, BOB)).contains("\"encryptable\":false");
                Path bobMail =
                        Files.write(
                                dir.resolve("bob.eml"),
                                new SignedCustomerMail(BOB, bob)
                                        .including(world.pki().ca().certificate())
                                        .eml());
                CommandLineIT.Run imported =
                        CommandLineIT.mailseal(
                                "certs", "import", "-c", confA.toString(), bobMail.toString());
                assertThat(imported.exit()).as(imported.err()).isZero();
                assertThat(imported.out()).contains("stored in harvest:" + pg.url());
                long importedAt = System.nanoTime();
                Eventually.await(
                        "node b finds bob",
                        Duration.ofSeconds(1),
                        () -> recipient(b, BOB).contains("\"encryptable\":true"));
                assertThat(Duration.ofNanos(System.nanoTime() - importedAt))
                        .isLessThan(Duration.ofSeconds(1));

                // Carol is harvested, but node B has never looked her up
                Path carolMail =
                        Files.write(
                                dir.resolve("carol.eml"),
                                new SignedCustomerMail(CAROL, carol)
                                        .including(world.pki().ca().certificate())
                                        .eml());
                assertThat(
                                CommandLineIT.mailseal(
                                                "certs",
                                                "import",
                                                "-c",
                                                confA.toString(),
                                                carolMail.toString())
                                        .exit())
                        .isZero();

                pg.stop();
                try {
                    SubmissionClient.Reply cached = otp(bankB, ALICE, "200002");
                    assertThat(cached.code())
                            .as("from node b's cache: " + cached.line())
                            .isEqualTo(250);
                    assertThat(open(to(world, ALICE, 2), ALICE, "200002"))
                            .contains("Your one-time code is 200002");

                    SubmissionClient.Reply uncached = otp(bankB, CAROL, "300003");
                    assertThat(uncached.line())
                            .isEqualTo(
                                    "451 4.4.3 Certificate directory unavailable for <"
                                            + CAROL
                                            + ">, try again later");
                    CommandLineIT.Run refused =
                            CommandLineIT.mailseal(
                                    "certs",
                                    "import",
                                    "-c",
                                    confA.toString(),
                                    carolMail.toString());
                    assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
                    assertThat(refused.err())
                            .startsWith(carolMail + ": not imported: shared store: ");
                    CommandLineIT.Run check =
                            CommandLineIT.mailseal("check-config", "-c", confB.toString());
                    assertThat(check.exit()).as("run would start: " + check.err()).isZero();
                    assertThat(check.err())
                            .contains(
                                    "config warning: store postgresql "
                                            + pg.url()
                                            + " as node node-b: does not answer: ");
                    assertThat(
                                    CommandLineIT.mailseal(
                                                    "store", "status", "-c", confB.toString())
                                            .exit())
                            .isEqualTo(1);
                    HttpResponse<String> notReady =
                            Eventually.value(
                                    "node b not ready",
                                    Duration.ofSeconds(10),
                                    () -> ready(b),
                                    r -> r.statusCode() == 503);
                    assertThat(notReady.body())
                            .contains("\"store\":\"shared store does not answer: ");
                    assertThat(
                                    AdminPort.get(b.adminPort(), "/metrics", Duration.ofSeconds(5))
                                            .body())
                            .contains("mailseal_store_up 0.0");
                } finally {
                    pg.start();
                }
                Eventually.await(
                        "node b ready again",
                        Duration.ofSeconds(15),
                        () -> ready(b).statusCode() == 200);
                assertThat(AdminPort.get(b.adminPort(), "/metrics", Duration.ofSeconds(5)).body())
                        .contains("mailseal_store_up 1.0");
                SubmissionClient.Reply back = otp(bankB, CAROL, "400004");
                assertThat(back.code()).as(back.line()).isEqualTo(250);
                assertThat(open(BankMail.firstTo(world.sink(), CAROL), CAROL, "400004"))
                        .contains("Your one-time code is 400004");
            }
        }
    }

    /** A one-time code to {@code to} through {@code bank}'s relay. */
    private static SubmissionClient.Reply otp(SubmissionClient bank, String to, String code)
            throws Exception {
        return bank.send(DemoWorld.BANK_SENDER, List.of(to), BankMail.otp(to, code));
    }

    /** The {@code n}th message to {@code address} at the sink (1 = the first). */
    private static CapturedMessage to(DemoWorld world, String address, int n) throws Exception {
        return Eventually.value(
                        n + " message(s) to " + address + " at the sink",
                        Duration.ofSeconds(30),
                        () ->
                                world.sink().messages().stream()
                                        .filter(m -> m.recipients().contains(address))
                                        .toList(),
                        l -> l.size() >= n)
                .get(n - 1);
    }

    private String open(CapturedMessage m, String customer, String code) throws Exception {
        assertThat(m.text()).doesNotContain(code);
        Path eml = Files.write(dir.resolve(customer + "-" + code + ".eml"), m.content());
        return BankMail.opensslOpens(dir, eml, customer);
    }

    /**
     * {@code java -jar target/mailseal.jar args}: Flyway finds its migrations inside the fat jar.
     */
    private ExternalTool.Result shippedJar(String... args) throws Exception {
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                "java",
                                "-jar",
                                Path.of("target/mailseal.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return ExternalTool.run(dir, command.toArray(String[]::new));
    }

    private static HttpResponse<String> ready(Relay relay) throws Exception {
        return AdminPort.get(relay.adminPort(), "/ready", Duration.ofSeconds(5));
    }

    private static String recipient(Relay relay, String address) throws Exception {
        return AdminPort.get(relay.adminPort(), "/v1/recipients/" + address, Duration.ofSeconds(5))
                .body();
    }
}
