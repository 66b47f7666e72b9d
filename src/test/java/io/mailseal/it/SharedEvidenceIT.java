package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.app.Relay;
import io.mailseal.config.IdentityConfig;
import io.mailseal.config.StoreConfig;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.demo.SubmissionClient;
import io.mailseal.store.Database;
import io.mailseal.testing.AdminPort;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.Postgres;
import io.mailseal.testing.RelayUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The evidence journal of running relays in a real PostgreSQL ({@code store.type = postgresql}):
 * records land in the {@code evidence} table and {@code mailseal evidence verify} walks them; a row
 * changed by SQL breaks the chain at its position; the database stopped answers signed mail 451 and
 * delivers nothing, a relay started meanwhile starts, and once the database is back mail is
 * accepted without a restart and the chain verifies across the outage; two nodes keep two chains,
 * and one node's CLI verifies, finds and exports the other's (certificates from the database).
 */
class SharedEvidenceIT {
    private static final String CODE = "730416";
    private static final String REFUSED = "4.3.0 Internal error, try again later";

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static Postgres pg;

    /** Each test's nodes have names of their own: the relay starts before any @BeforeEach. */
    private final String a = "a" + TESTS.incrementAndGet();

    private final String b = "b" + TESTS.get();

    @RegisterExtension
    final RelayUnderTest relay =
            RelayUnderTest.withPolicies(BankMail.POLICIES)
                    .customer(BankMail.ALICE, KeyKind.RSA)
                    .config(node(a, ""));

    @BeforeAll
    static void database() throws Exception {
        pg = Postgres.create();
        StoreConfig store =
                new StoreConfig(
                        StoreConfig.Type.POSTGRESQL,
                        pg.url(),
                        Postgres.USER,
                        Optional.of(new IdentityConfig.FromFile(pg.passwordFile())),
                        2,
                        Optional.empty(),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30));
        try (Database db = Database.open(store, "test")) {
            db.migrate();
        }
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    /** The relay's extra HOCON for {@code node}; {@code suffix} keeps its spool and files apart. */
    private static String node(String node, String suffix) {
        return """
                evidence { enabled = true, directory = "evidence%s" }
                spool.directory = "spool%s"
                store {
                  type = postgresql, url = "%s", user = %s, password-file = "%s"
                  node = %s, timeout = 1s
                }
                """
                .formatted(suffix, suffix, pg.url(), Postgres.USER, pg.passwordFile(), node);
    }

    @Test
    void recordsAreRowsThatVerifyAndARowChangedBySqlBreaksTheChainAtItsPosition() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send(relay.bank(), "11111" + i).code()).isEqualTo(250);
        }
        Eventually.await(
                "three delivered",
                Duration.ofSeconds(30),
                () -> relay.sink().messages().size() == 3);
        relay.restart(node(a, "")); // the stop anchors the chain head
        List<String> rows = texts(a);
        assertThat(rows).hasSizeGreaterThanOrEqualTo(7); // 3 accepted, 3 delivered, an anchor
        assertThat(String.join("\n", rows)).doesNotContain("111110").doesNotContain("Subject");
        assertThat(verify().out())
                .contains("chain OK")
                .contains("0 record(s) after the last anchor");

        long accepted = position(a, "%\"outcome\":\"accepted\"%", 1);
        try (Connection c = pg.connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "UPDATE evidence SET text = replace(text, ?, ?)"
                                        + " WHERE node = ? AND position = ?")) {
            s.setString(1, BankMail.ALICE);
            s.setString(2, "mallory@customer.example");
            s.setString(3, a);
            s.setLong(4, accepted);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        CommandLineIT.Run broken = verify();
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).contains("BROKEN at position " + accepted + ":");
    }

    @Test
    void theDatabaseAwayRefusesSignedMail451AndOnceBackMailIsAcceptedAndTheChainVerifies()
            throws Exception {
        assertThat(send(relay.bank(), "100001").code()).isEqualTo(250);
        Eventually.await(
                "the first delivered",
                Duration.ofSeconds(30),
                () -> relay.sink().messages().size() == 1);
        pg.stop();
        try {
            SubmissionClient.Reply refused = send(relay.bank(), CODE);
            assertThat(refused.line()).isEqualTo("451 " + REFUSED);
            assertThat(relay.dir().resolve("spool/queue")).as("nothing queued").isEmptyDirectory();

            Relay restarted = relay.restart(node(a, "")); // starts without the database
            assertThat(send(relay.bank(), CODE).line()).isEqualTo("451 " + REFUSED);
            HttpResponse<String> ready =
                    AdminPort.get(restarted.adminPort(), "/ready", Duration.ofSeconds(10));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"evidence\"").contains("until its store answers");
        } finally {
            pg.start();
        }
        Eventually.await(
                "ready again without a restart",
                Duration.ofSeconds(20),
                () -> !relay.relay().readinessProblems().containsKey("evidence"));
        assertThat(send(relay.bank(), "100002").code()).isEqualTo(250);
        Eventually.await(
                "the second delivered",
                Duration.ofSeconds(30),
                () -> relay.sink().messages().size() == 2);
        assertThat(relay.sink().messages())
                .as("the refused code was never delivered")
                .noneMatch(m -> m.text().contains(CODE));
        relay.restart(node(a, ""));
        CommandLineIT.Run verified = verify();
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("chain OK");
        assertThat(texts(a)).filteredOn(t -> t.contains("\"outcome\":\"accepted\"")).hasSize(2);
    }

    @Test
    void twoNodesKeepTwoChainsThatEachVerifyAndEitherExportsTheOther() throws Exception {
        Relay nodeB = relay.another(node(b, "-b"));
        Path confB = Files.copy(relay.dir().resolve("relay.conf"), relay.dir().resolve("b.conf"));
        SubmissionClient toB = new SubmissionClient("127.0.0.1", nodeB.port());
        String mailA = BankMail.otp(BankMail.ALICE, "200001");
        Matcher idA = Pattern.compile("Message-ID: <([^>]+)>").matcher(mailA);
        assertThat(idA.find()).isTrue();
        assertThat(relay.bank().send(DemoWorld.BANK_SENDER, List.of(BankMail.ALICE), mailA).code())
                .isEqualTo(250);
        assertThat(send(toB, "200002").code()).isEqualTo(250);
        assertThat(send(toB, "200003").code()).isEqualTo(250);
        Eventually.await(
                "three delivered and recorded",
                Duration.ofSeconds(30),
                () -> recorded(a, "delivered") == 1 && recorded(b, "delivered") == 2);
        assertThat(recorded(a, "accepted")).isEqualTo(1);
        assertThat(recorded(b, "accepted")).isEqualTo(2);
        assertThat(texts(a).get(0)).contains("\"seq\":\"0\"");
        assertThat(texts(b).get(0)).contains("\"seq\":\"0\"");

        CommandLineIT.Run ofB =
                CommandLineIT.mailseal("evidence", "verify", "-c", confB.toString());
        CommandLineIT.Run ofA =
                CommandLineIT.mailseal("evidence", "verify", "-c", confB.toString(), "--node", a);
        assertThat(ofB.exit()).as(ofB.out() + ofB.err()).isZero();
        assertThat(ofA.exit()).as(ofA.out() + ofA.err()).isZero();
        assertThat(ofB.out()).contains("chain OK: " + texts(b).size() + " record(s)");
        assertThat(ofA.out()).contains("chain OK: " + texts(a).size() + " record(s)");
        CommandLineIT.Run found =
                CommandLineIT.mailseal(
                        "evidence",
                        "find",
                        "-c",
                        confB.toString(),
                        "--node",
                        a,
                        "--to",
                        BankMail.ALICE);
        assertThat(found.out()).contains("accepted").contains("delivered").contains("2 record(s)");

        relay.restart(node(a, "")); // the stop anchors a's head
        Path zip = relay.dir().resolve("proof.zip");
        CommandLineIT.Run export =
                CommandLineIT.mailseal(
                        "evidence",
                        "export",
                        "-c",
                        confB.toString(),
                        "--node",
                        a,
                        "--message-id",
                        idA.group(1),
                        "-o",
                        zip.toString());
        assertThat(export.exit()).as(export.out() + export.err()).isZero();
        Map<String, String> bundle = unzip(zip);
        assertThat(bundle.keySet()).filteredOn(n -> n.startsWith("certificates/")).hasSize(2);
        assertThat(bundle)
                .allSatisfy(
                        (name, text) -> {
                            if (name.startsWith("certificates/")) {
                                assertThat(text).startsWith("-----BEGIN CERTIFICATE-----");
                            }
                        });
        assertThat(relay.dir().resolve("evidence"))
                .as("records and certificates are in the database, not in files")
                .doesNotExist();
        assertThat(relay.dir().resolve("evidence-b")).doesNotExist();
    }

    private static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries.put(e.getName(), new String(z.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return entries;
    }

    private static long recorded(String node, String outcome) throws SQLException {
        return texts(node).stream()
                .filter(t -> t.contains("\"outcome\":\"" + outcome + "\""))
                .count();
    }

    private static SubmissionClient.Reply send(SubmissionClient client, String code)
            throws Exception {
        return client.send(
                DemoWorld.BANK_SENDER, List.of(BankMail.ALICE), BankMail.otp(BankMail.ALICE, code));
    }

    private CommandLineIT.Run verify() throws Exception {
        return CommandLineIT.mailseal(
                "evidence", "verify", "-c", relay.dir().resolve("relay.conf").toString());
    }

    private static List<String> texts(String node) throws SQLException {
        try (Connection c = pg.connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT text FROM evidence WHERE node = ? ORDER BY position")) {
            s.setString(1, node);
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    /**
     * The position of the {@code skip}+1st record of {@code node} whose text is like {@code like}.
     */
    private static long position(String node, String like, int skip) throws SQLException {
        try (Connection c = pg.connect();
                PreparedStatement s =
                        c.prepareStatement(
                                "SELECT position FROM evidence WHERE node = ? AND text LIKE ?"
                                        + " ORDER BY position OFFSET ? LIMIT 1")) {
            s.setString(1, node);
            s.setString(2, like);
            s.setInt(3, skip);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("a record like " + like).isTrue();
                return r.getLong(1);
            }
        }
    }
}
