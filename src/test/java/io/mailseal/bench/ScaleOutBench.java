package io.mailseal.bench;

import io.mailseal.demo.DemoWorld;
import io.mailseal.testing.AlternatingLoad;
import io.mailseal.testing.AlternatingLoad.Attempt;
import io.mailseal.testing.LoopbackPorts;
import io.mailseal.testing.Postgres;
import io.mailseal.testing.RelayProcess;
import io.mailseal.testing.ScaleOutRig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures issue 24's scale-out on one machine, in one run (docs/SCALING.md; run with {@code
 * bench/scaleout.sh}): a real PostgreSQL, the demo TSA and a counting sink in this process, then
 * one relay node, then two, each a real process on its own spool with {@code store.type =
 * postgresql}. For each node count and each class of mail (one-time codes: sign + RFC 3161
 * timestamp + encrypt; plain notices: pass), N messages over C concurrent sessions of one message
 * per connection, alternating over the nodes, after a warm-up. Prints msg/s (first connection to
 * the last arrival at the sink), the 2-node/1-node ratio, the CPU per message of each node and of
 * the PostgreSQL server (postmaster and children), and the database's work per message.
 */
public final class ScaleOutBench {
    private static final List<String> NODES = List.of("node-a", "node-b");
    private static final Duration STALL = Duration.ofSeconds(60);

    private final int messages;
    private final int sessions;
    private final int warmup;
    private final Postgres pg;
    private final CountingSink sink;
    private final ProcessCpu cpu;
    private int runs;

    private ScaleOutBench(
            Map<String, Integer> options, Postgres pg, CountingSink sink, ProcessCpu cpu) {
        this.messages = options.get("-n");
        this.sessions = options.get("-c");
        this.warmup = options.get("--warmup");
        this.pg = pg;
        this.sink = sink;
        this.cpu = cpu;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = Options.parse(args);
        Path work = Files.createTempDirectory("mailseal-scaleout");
        List<AutoCloseable> open = new ArrayList<>();
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeAll = () -> closeAll(open, closed);
        Runtime.getRuntime().addShutdownHook(new Thread(closeAll));
        try {
            Postgres pg = Postgres.create();
            open.add(pg);
            ScaleOutRig.migrate(pg);
            DemoWorld world = new DemoWorld(work, Clock.systemUTC());
            open.add(world);
            ScaleOutRig.addCustomers(world);
            CountingSink sink = new CountingSink();
            open.add(sink);
            ScaleOutBench bench = new ScaleOutBench(options, pg, sink, ProcessCpu.open());
            List<Integer> ports = List.of(LoopbackPorts.free(), LoopbackPorts.free());
            List<Path> confs = new ArrayList<>();
            for (int i = 0; i < NODES.size(); i++) {
                confs.add(
                        ScaleOutRig.nodeConfig(
                                world,
                                pg,
                                NODES.get(i),
                                ports.get(i),
                                "delivery.smarthost = \"127.0.0.1:" + sink.port() + "\"\n"));
            }
            System.out.printf(
                    "scale-out: N=%d per phase, C=%d sessions of one message each, warm-up %d per"
                            + " class and node count; %d CPUs; work and logs in %s%n%n",
                    bench.messages,
                    bench.sessions,
                    bench.warmup,
                    Runtime.getRuntime().availableProcessors(),
                    work);
            System.out.println(Row.HEADER);
            List<RelayProcess> nodes = new ArrayList<>();
            List<Row> rows = new ArrayList<>();
            for (int n = 1; n <= NODES.size(); n++) {
                RelayProcess node =
                        RelayProcess.start(
                                confs.get(n - 1),
                                ports.get(n - 1),
                                work.resolve(NODES.get(n - 1) + ".log"));
                open.add(node);
                nodes.add(node);
                for (boolean codes : List.of(true, false)) {
                    Row row = bench.phase(nodes, ports.subList(0, n), codes);
                    System.out.println(row);
                    rows.add(row);
                }
            }
            System.out.println();
            for (int i = 0; i < 2; i++) {
                System.out.printf(
                        "2 nodes / 1 node, %s: %.2f%n",
                        rows.get(i).mail(), rows.get(i + 2).rate() / rows.get(i).rate());
            }
        } finally {
            closeAll.run();
        }
    }

    /** A warm-up, then N messages of one class through {@code nodes}, measured. */
    private Row phase(List<RelayProcess> nodes, List<Integer> ports, boolean codes)
            throws Exception {
        send(ports, codes, warmup);
        Thread.sleep(2_000); // the backends report their statistics about a second after work
        PgStats db = PgStats.take(pg);
        long[] nodeCpu = new long[nodes.size()];
        for (int i = 0; i < nodeCpu.length; i++) {
            nodeCpu[i] = cpu.millis(nodes.get(i).pid());
        }
        long pgCpu = cpu.treeMillis(pg.pid());
        long harness = cpu.millis(ProcessHandle.current().pid());
        long start = System.nanoTime();
        List<Attempt> attempts = send(ports, codes, messages);
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] nodeMs = new double[nodes.size()];
        for (int i = 0; i < nodeMs.length; i++) {
            int node = i;
            long handled = attempts.stream().filter(a -> a.node() == node).count();
            nodeMs[i] = (cpu.millis(nodes.get(i).pid()) - nodeCpu[i]) / (double) handled;
        }
        double pgMs = (cpu.treeMillis(pg.pid()) - pgCpu) / (double) messages;
        double harnessMs =
                (cpu.millis(ProcessHandle.current().pid()) - harness) / (double) messages;
        Thread.sleep(2_000);
        long refused = attempts.stream().filter(a -> !a.accepted()).count();
        return new Row(
                nodes.size(),
                codes ? "encrypt+timestamp" : "pass",
                messages,
                refused,
                seconds,
                nodeMs,
                pgMs,
                harnessMs,
                PgStats.take(pg).since(db));
    }

    /**
     * Sends {@code n} messages and waits until the sink has every one that got 250; the attempts.
     */
    private List<Attempt> send(List<Integer> ports, boolean codes, int n) throws Exception {
        String run = "bench" + runs++;
        long before = sink.count();
        try (AlternatingLoad load =
                AlternatingLoad.start(
                        ports,
                        sessions,
                        n,
                        i -> codes ? ScaleOutRig.code(run, i) : ScaleOutRig.notice(run, i))) {
            if (!load.awaitDone(Duration.ofHours(1))) {
                throw new IllegalStateException("the load did not finish within an hour");
            }
            List<Attempt> attempts = load.attempts();
            long accepted = attempts.stream().filter(Attempt::accepted).count();
            if (!sink.await(before + accepted, STALL)) {
                throw new IllegalStateException(
                        "only "
                                + (sink.count() - before)
                                + " of "
                                + accepted
                                + " accepted messages arrived; nothing more for "
                                + STALL);
            }
            return attempts;
        }
    }

    /** Closes what was opened, last first, once (at the end or on Ctrl-C). */
    private static void closeAll(List<AutoCloseable> open, AtomicBoolean closed) {
        if (closed.getAndSet(true)) {
            return;
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + open.get(i) + ": " + e);
            }
        }
    }
}
