package io.mailseal.testing;

import io.mailseal.config.IdentityConfig;
import io.mailseal.config.StoreConfig;
import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoPki.KeyKind;
import io.mailseal.demo.DemoWorld;
import io.mailseal.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several relay nodes of one bank (issue 24) in a {@link DemoWorld}: each node a real process with
 * its own SMTP port, its own spool (and evidence journal beside it) under {@code <world>/<node>/},
 * and {@code mailseal.store.type = postgresql} on one {@link Postgres}; all deliver to the world's
 * capture sink and stamp at its TSA. The mail they are sent: one-time codes (encrypt + RFC 3161
 * timestamp, to customers whose certificates are in the directory source) and plain notices that
 * pass, each with its own Message-ID. Used by ScaleOutIT and the ScaleOutBench.
 */
public final class ScaleOutRig {
    /** Customers with published certificates, RSA and EC. */
    public static final List<String> CUSTOMERS =
            List.of(BankMail.ALICE, BankMail.BOB, BankMail.CAROL);

    /** The words every code mail's plaintext has; never seen at the sink. */
    public static final String OTP_MARKER = "Your one-time code is";

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*<([^>]+)>");
    private static final Pattern ENVELOPED =
            Pattern.compile(
                    "(?im)^Content-Type:\\s*application/(x-)?pkcs7-mime\\s*;.*smime-type=\"?enveloped-data");

    private ScaleOutRig() {}

    /** Publishes every customer's certificate in the world's directory source. */
    public static void addCustomers(DemoWorld world) throws Exception {
        for (int i = 0; i < CUSTOMERS.size(); i++) {
            world.addCustomer(CUSTOMERS.get(i), i % 2 == 0 ? KeyKind.RSA : KeyKind.EC);
        }
    }

    /** The store configuration of the tests' relay role on {@code pg}. */
    public static StoreConfig store(Postgres pg, String node) {
        return new StoreConfig(
                StoreConfig.Type.POSTGRESQL,
                pg.url(),
                Postgres.USER,
                Optional.of(new IdentityConfig.FromFile(pg.passwordFile())),
                4,
                Optional.of(node),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    /** Brings the schema up to date (until {@code mailseal store migrate} does it). */
    public static void migrate(Postgres pg) throws Exception {
        try (Database db = Database.open(store(pg, "migration"), "migration")) {
            db.migrate();
        }
    }

    /**
     * Writes {@code <world>/<node>.conf}: the world's relay with BankMail's policies, listening on
     * {@code port}, spool {@code <node>/spool}, evidence on, the shared store with this node name.
     */
    public static Path nodeConfig(DemoWorld world, Postgres pg, String node, int port)
            throws Exception {
        return nodeConfig(world, pg, node, port, "");
    }

    /** As {@link #nodeConfig(DemoWorld, Postgres, String, int)}, {@code more} HOCON last. */
    public static Path nodeConfig(DemoWorld world, Postgres pg, String node, int port, String more)
            throws Exception {
        String extra =
                """
                smtp { listen = "127.0.0.1:%d", hostname = "%s.bank.invalid" }
                spool.directory = "%s/spool"
                evidence.enabled = true
                store { type = postgresql, url = "%s", user = "%s", password-file = "%s",
                        node = "%s", timeout = 1s, pool-size = 4 }
                """
                                .formatted(
                                        port,
                                        node,
                                        node,
                                        pg.url(),
                                        Postgres.USER,
                                        pg.passwordFile(),
                                        node)
                        + more;
        Path written = world.writeConfig(BankMail.POLICIES, extra);
        return Files.move(written, written.resolveSibling(node + ".conf"));
    }

    /**
     * Starts every node of {@code configs} (on {@code ports}) at once; logs in {@code
     * <world>/<node>-<n>.log}. When one does not start, the others are stopped.
     */
    public static List<RelayProcess> startNodes(
            DemoWorld world, List<String> nodes, List<Path> configs, List<Integer> ports)
            throws Exception {
        List<CompletableFuture<RelayProcess>> starting = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Path conf = configs.get(i);
            int port = ports.get(i);
            Path log = world.directory().resolve(nodes.get(i) + "-1.log");
            starting.add(
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return RelayProcess.start(conf, port, log);
                                } catch (Exception e) {
                                    throw new CompletionException(e);
                                }
                            }));
        }
        List<RelayProcess> started = new ArrayList<>();
        Exception failed = null;
        for (CompletableFuture<RelayProcess> f : starting) {
            try {
                started.add(f.join());
            } catch (CompletionException e) {
                failed =
                        failed == null
                                ? new IllegalStateException("a node did not start", e)
                                : failed;
            }
        }
        if (failed != null) {
            started.forEach(RelayProcess::close);
            throw failed;
        }
        return started;
    }

    /**
     * Message {@code i} of run {@code run}: every third a plain notice (policy default: pass), the
     * others one-time codes to the customers in turn.
     */
    public static AlternatingLoad.Mail mail(String run, int i) {
        return i % 3 == 2 ? notice(run, i) : code(run, i);
    }

    /** A plain notice (policy default: pass), Message-ID {@code <run-i@bank.example>}. */
    public static AlternatingLoad.Mail notice(String run, int i) {
        String id = run + "-" + i + "@bank.example";
        return new AlternatingLoad.Mail(
                id,
                false,
                "news@bank.example",
                "reader@other.example",
                """
                    From: news@bank.example
                    To: reader@other.example
                    Subject: Branch opening hours
                    Message-ID: <%s>

                    Notice %d: our branches open at nine.
                    """
                        .formatted(id, i));
    }

    /**
     * A one-time code (policy otp: sign, RFC 3161 timestamp, encrypt) to the customers in turn,
     * Message-ID {@code <run-i@bank.example>}.
     */
    public static AlternatingLoad.Mail code(String run, int i) {
        String id = run + "-" + i + "@bank.example";
        String to = CUSTOMERS.get(i % CUSTOMERS.size());
        return new AlternatingLoad.Mail(
                id,
                true,
                DemoWorld.BANK_SENDER,
                to,
                """
                From: Example Bank <otp@bank.example>
                To: %s
                Subject: Your sign-in code
                X-Mail-Class: otp
                Message-ID: <%s>

                %s %06d.
                """
                        .formatted(to, id, OTP_MARKER, (i * 7919) % 1_000_000));
    }

    /** The Message-ID (without angle brackets) of a message at the sink, or "" without one. */
    public static String messageId(CapturedMessage m) {
        Matcher id = MESSAGE_ID.matcher(headers(m));
        return id.find() ? id.group(1) : "";
    }

    /**
     * Whether a message at the sink is S/MIME enveloped-data (its top-level Content-Type) and none
     * of a code mail's plaintext is in it.
     */
    public static boolean sealedWithoutPlaintext(CapturedMessage m) {
        return ENVELOPED.matcher(headers(m)).find() && !m.text().contains(OTP_MARKER);
    }

    /** The header section, folded lines joined. */
    private static String headers(CapturedMessage m) {
        String text = m.text();
        int end = text.indexOf("\r\n\r\n");
        return (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]+", " ");
    }
}
