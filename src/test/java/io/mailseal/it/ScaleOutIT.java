package io.mailseal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailseal.demo.CaptureSink.CapturedMessage;
import io.mailseal.demo.DemoWorld;
import io.mailseal.testing.AlternatingLoad;
import io.mailseal.testing.AlternatingLoad.Attempt;
import io.mailseal.testing.BankMail;
import io.mailseal.testing.Eventually;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.OneMessageSession;
import io.mailseal.testing.Postgres;
import io.mailseal.testing.RelayProcess;
import io.mailseal.testing.ReplyHoldingProxy;
import io.mailseal.testing.ScaleOutRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relay processes (nodes A and B, each with its own spool) on one PostgreSQL store, one capture
 * sink, and a bank's application alternating between them, one message per connection: one-time
 * codes (encrypt + timestamp) and plain notices. Node A is killed with SIGKILL mid-load — at a
 * moment when the sink has taken some of its deliveries and their 250 has not reached it (A's next
 * hop is a {@link ReplyHoldingProxy} to the sink) — and restarted on the same spool; then the
 * database is stopped mid-load and started again. Whatever got 250 from either node is delivered, a
 * message reaches the sink twice only as SMTP's at-least-once allows, no code leaves in plaintext,
 * and the database's absence is never a 5xx.
 */
@Timeout(90)
class ScaleOutIT {
    private static final int A = 0;
    private static final int B = 1;
    private static final int SESSIONS = 4;
    private static final int LIMIT = 5000;
    private static Postgres pg;

    @TempDir Path dir;

    @BeforeAll
    static void database() throws Exception {
        pg = Postgres.create();
        ScaleOutRig.migrate(pg);
    }

    @AfterAll
    static void stopDatabase() {
        pg.close();
    }

    @Test
    void aNodeKilledMidLoadLosesNothingItAnswered250() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC());
                ReplyHoldingProxy toSink = ReplyHoldingProxy.to(world.sink().port())) {
            Pair pair = Pair.start(world, toSink.port());
            RelayProcess restarted = null;
            try (AlternatingLoad load = pair.load("k")) {
                awaitAccepted(load, "100 messages accepted before the kill", a -> true, 100);
                // A dies with deliveries the sink has taken and whose 250 A has not seen
                toSink.holdReplies();
                Eventually.await(
                        "a delivery by A whose 250 is withheld",
                        Duration.ofSeconds(10),
                        () -> toSink.held() > 0);
                long killStarted = System.nanoTime();
                pair.nodes().get(A).kill();
                long killed = System.nanoTime();
                int atKill = world.sink().messages().size();
                int withheld = toSink.held();
                toSink.release();
                awaitAccepted(load, "B goes on accepting", a -> a.started() > killed, 20);
                restarted =
                        RelayProcess.start(
                                pair.confs().get(A),
                                pair.ports().get(A),
                                dir.resolve("node-a-2.log"));
                long back = System.nanoTime();
                awaitAccepted(
                        load, "A accepts again after its restart", a -> a.started() > back, 10);
                load.stop();

                List<Attempt> attempts = load.attempts();
                Predicate<Attempt> atA = a -> a.node() == A;
                Predicate<Attempt> inFlight =
                        a -> atA.test(a) && a.started() <= killed && a.ended() >= killStarted;
                assertThat(attempts)
                        .as("B answered every message; A refused only while it was down")
                        .allSatisfy(
                                a -> {
                                    if (a.code() == OneMessageSession.REFUSED) {
                                        assertThat(a.node()).isEqualTo(A);
                                        assertThat(a.started()).isBetween(killStarted, back);
                                    } else if (a.code() == OneMessageSession.BROKEN) {
                                        assertThat(inFlight).accepts(a);
                                    } else {
                                        assertThat(a.code())
                                                .matches(ScaleOutIT::ours, "250 or 4xx");
                                    }
                                });
                Set<String> accepted = ids(attempts, Attempt::accepted);
                Set<String> unknown = ids(attempts, a -> a.code() == OneMessageSession.BROKEN);
                Map<String, List<Integer>> copies = awaitDelivered(world, accepted);

                Set<String> unexpected = new HashSet<>(copies.keySet());
                unexpected.removeAll(accepted);
                unexpected.removeAll(unknown);
                assertThat(unexpected)
                        .as("delivered without a 250, and not in flight at the kill")
                        .isEmpty();
                Set<String> acceptedByA = ids(attempts, a -> a.accepted() && atA.test(a));
                Map<String, List<Integer>> duplicates =
                        Eventually.value(
                                "what the sink took without A knowing delivered again (last:"
                                        + " the duplicates so far)",
                                Duration.ofSeconds(30),
                                () -> duplicates(copies(world)),
                                d -> d.size() >= withheld);
                assertThat(duplicates)
                        .as(
                                "duplicates: only A's, delivered once before the kill and once"
                                        + " more by the restarted A (at-least-once delivery)")
                        .allSatisfy(
                                (id, at) -> {
                                    assertThat(acceptedByA.contains(id) || unknown.contains(id))
                                            .as(id)
                                            .isTrue();
                                    assertThat(at).hasSize(2);
                                    assertThat(at.get(0)).isLessThan(atKill);
                                    assertThat(at.get(1)).isGreaterThanOrEqualTo(atKill);
                                });
                assertCodesSealed(world, attempts);
                System.out.printf(
                        "ScaleOutIT kill -9: %d attempts; 250: %d (A %d, B %d); refused by the"
                                + " dead A: %d; in flight at the kill: %d (of which delivered:"
                                + " %d); 4xx: %d; delivered %d distinct, %d at the sink,"
                                + " duplicates %d (%d 250s withheld from A at the kill) %s%n",
                        attempts.size(),
                        accepted.size(),
                        acceptedByA.size(),
                        accepted.size() - acceptedByA.size(),
                        count(attempts, a -> a.code() == OneMessageSession.REFUSED),
                        unknown.size(),
                        unknown.stream().filter(copies::containsKey).count(),
                        count(attempts, a -> a.code() / 100 == 4),
                        copies.size(),
                        world.sink().messages().size(),
                        duplicates.size(),
                        withheld,
                        duplicates.keySet());
            } finally {
                stopAll(pair.nodes(), restarted);
            }
        }
    }

    @Test
    void theDatabaseStoppedMidLoadIsNever5xxAndBackWithoutRestartingTheRelays() throws Exception {
        try (DemoWorld world = new DemoWorld(dir, Clock.systemUTC())) {
            Pair pair = Pair.start(world, world.sink().port());
            try (AlternatingLoad load = pair.load("d")) {
                awaitAccepted(load, "60 messages accepted before the outage", a -> true, 60);
                pg.stop();
                long away = System.nanoTime();
                long back;
                try {
                    Thread.sleep(3_000); // the load goes on against a database that is gone
                } finally {
                    pg.start();
                    back = System.nanoTime();
                }
                for (int node : List.of(A, B)) {
                    awaitAccepted(
                            load,
                            "node " + node + " answers 250 again after the database's restart",
                            a -> a.node() == node && a.started() > back,
                            10);
                }
                load.stop();

                List<Attempt> attempts = load.attempts();
                assertThat(attempts)
                        .as("only 250 or 4xx (the database's absence is our fault, never 5xx)")
                        .allSatisfy(
                                a -> assertThat(a.code()).matches(ScaleOutIT::ours, "250 or 4xx"));
                Predicate<Attempt> duringOutage = a -> a.started() > away && a.ended() < back;
                assertThat(count(attempts, duringOutage))
                        .as("messages sent while the database was away")
                        .isPositive();
                // the journal is in the database: codes wait for it (451), plain notices have
                // nothing to record and go on
                assertThat(attempts.stream().filter(duringOutage))
                        .as("while the database was away: notices 250, codes 4xx")
                        .allSatisfy(
                                a ->
                                        assertThat(a.code())
                                                .as(a.mail().id())
                                                .matches(
                                                        c ->
                                                                a.mail().sealed()
                                                                        ? c / 100 == 4
                                                                        : c == 250,
                                                        a.mail().sealed() ? "4xx" : "250"));
                Set<String> accepted = ids(attempts, Attempt::accepted);
                Map<String, List<Integer>> copies = awaitDelivered(world, accepted);
                assertThat(copies.keySet())
                        .as("delivered, and only what got 250")
                        .isEqualTo(accepted);
                assertThat(copies.values())
                        .as("no node was killed: each delivered once")
                        .allSatisfy(at -> assertThat(at).hasSize(1));
                assertCodesSealed(world, attempts);
                System.out.printf(
                        "ScaleOutIT database stopped for 3 s: %d attempts, %d answered 250, %d 4xx;"
                                + " while away: %d sent, %d answered 250; delivered %d%n",
                        attempts.size(),
                        accepted.size(),
                        count(attempts, a -> a.code() / 100 == 4),
                        count(attempts, duringOutage),
                        count(attempts, duringOutage.and(Attempt::accepted)),
                        copies.size());
            } finally {
                stopAll(pair.nodes(), null);
            }
        }
    }

    /**
     * Nodes A and B of {@code world}'s customers, started, the ports in the order A, B; A delivers
     * to 127.0.0.1:{@code nextHopOfA}, B to the sink.
     */
    private record Pair(List<Integer> ports, List<Path> confs, List<RelayProcess> nodes) {
        static Pair start(DemoWorld world, int nextHopOfA) throws Exception {
            ScaleOutRig.addCustomers(world);
            List<Integer> ports = List.of(LoopbackPorts.free(), LoopbackPorts.free());
            List<Path> confs =
                    List.of(
                            ScaleOutRig.nodeConfig(
                                    world,
                                    pg,
                                    "node-a",
                                    ports.get(A),
                                    "delivery.smarthost = \"127.0.0.1:" + nextHopOfA + "\"\n"),
                            ScaleOutRig.nodeConfig(world, pg, "node-b", ports.get(B)));
            return new Pair(
                    ports,
                    confs,
                    ScaleOutRig.startNodes(world, List.of("node-a", "node-b"), confs, ports));
        }

        /** The bank's application sending run {@code run}'s mail, alternating A, B. */
        AlternatingLoad load(String run) {
            return AlternatingLoad.start(ports, SESSIONS, LIMIT, i -> ScaleOutRig.mail(run, i));
        }
    }

    /** Accepted, or deferred: a 4xx is the relay's own fault, the sender tries again. */
    private static boolean ours(int code) {
        return code == 250 || code / 100 == 4;
    }

    private static void awaitAccepted(
            AlternatingLoad load, String what, Predicate<Attempt> which, int n) throws Exception {
        Eventually.await(
                what, Duration.ofSeconds(30), () -> load.count(which.and(Attempt::accepted)) >= n);
    }

    /**
     * Waits until every message in {@code accepted} is at the sink; then the positions at the sink
     * of each Message-ID of this test's mail.
     */
    private static Map<String, List<Integer>> awaitDelivered(DemoWorld world, Set<String> accepted)
            throws Exception {
        Eventually.value(
                "every message answered 250 delivered (last: those not yet)",
                Duration.ofSeconds(30),
                () -> {
                    Set<String> missing = new HashSet<>(accepted);
                    missing.removeAll(copies(world).keySet());
                    return missing;
                },
                Set::isEmpty);
        return copies(world);
    }

    /** The Message-IDs at the sink more than once, with their positions there. */
    private static Map<String, List<Integer>> duplicates(Map<String, List<Integer>> copies) {
        return copies.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Map<String, List<Integer>> copies(DemoWorld world) {
        Map<String, List<Integer>> at = new LinkedHashMap<>();
        List<CapturedMessage> all = world.sink().messages();
        for (int i = 0; i < all.size(); i++) {
            at.computeIfAbsent(ScaleOutRig.messageId(all.get(i)), id -> new ArrayList<>()).add(i);
        }
        return at;
    }

    /**
     * Every code mail at the sink is enveloped-data without its plaintext; one opened with openssl
     * from each node shows the code was there, under the customer's key.
     */
    private void assertCodesSealed(DemoWorld world, List<Attempt> attempts) throws Exception {
        Map<String, Attempt> codes =
                attempts.stream()
                        .filter(a -> a.mail().sealed())
                        .collect(Collectors.toMap(a -> a.mail().id(), a -> a, (x, y) -> x));
        List<CapturedMessage> atSink =
                world.sink().messages().stream()
                        .filter(m -> codes.containsKey(ScaleOutRig.messageId(m)))
                        .toList();
        assertThat(atSink).as("code mail at the sink").isNotEmpty();
        assertThat(atSink)
                .as("every code mail at the sink is enveloped-data without its plaintext")
                .allMatch(ScaleOutRig::sealedWithoutPlaintext);
        for (int node : List.of(A, B)) {
            CapturedMessage m =
                    atSink.stream()
                            .filter(c -> codes.get(ScaleOutRig.messageId(c)).node() == node)
                            .findFirst()
                            .orElseThrow();
            Attempt sent = codes.get(ScaleOutRig.messageId(m));
            Path eml = dir.resolve("node-" + node + "-code.eml");
            Files.write(eml, m.content());
            String plain = BankMail.opensslOpens(dir, eml, sent.mail().to());
            assertThat(plain).contains(sent.mail().text().lines().toList().get(6));
        }
    }

    private static Set<String> ids(List<Attempt> attempts, Predicate<Attempt> which) {
        return attempts.stream().filter(which).map(a -> a.mail().id()).collect(Collectors.toSet());
    }

    private static long count(List<Attempt> attempts, Predicate<Attempt> which) {
        return attempts.stream().filter(which).count();
    }

    /** SIGKILL to every node still running (by its PID): the test has its outcome. */
    private static void stopAll(List<RelayProcess> nodes, RelayProcess restarted)
            throws InterruptedException {
        for (RelayProcess p : nodes) {
            p.kill();
        }
        if (restarted != null) {
            restarted.kill();
        }
    }
}
