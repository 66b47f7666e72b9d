/*
 * mailseal load generator: N messages over C parallel SMTP sessions to a relay whose next
 * hop is this program's own sink; reports throughput end to end (first MAIL FROM to last
 * arrival at the sink) and latency p50/p99/max of acceptance (MAIL FROM to the 250 after
 * DATA; with --per-connection from the connect) and end to end (to the arrival). Messages are
 * told apart at the sink by Message-ID, which survives sealing. Not part of the tests; see
 * bench/README.md. One file, so that `java bench/SmtpLoad.java` runs it.
 *
 *   java -cp target/mailseal.jar bench/SmtpLoad.java --relay 127.0.0.1:2525 --sink-port 2526 \
 *        -n 5000 -c 8 --message-file otp.eml --from otp@bank.example --to alice@customer.example \
 *        [--rate 200] [--per-connection] [--mix otp.eml:0.1 [--base-rate R] [--mix-sessions 4]]
 *
 * --per-connection: one message per SMTP connection (connect, EHLO, MAIL, RCPT, DATA, QUIT), as
 *     bank applications submit; otherwise sessions stay open (reconnecting after a 421).
 * --mix FILE:FRACTION: a second class of messages, round(N × FRACTION) of FILE, sent open loop at
 *     FRACTION × the base rate (--base-rate, default --rate) on --mix-sessions sessions of its own,
 *     while the N messages go as before; every figure is then printed per class.
 * Open loop (--rate, --mix), a message that goes late because every session of its class is busy
 * counts its latencies from when it was due, so a slow relay cannot hide queueing in this client.
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

public final class SmtpLoad {
    private static final Pattern ID = Pattern.compile("(?im)^Message-ID: <bench-(\\d+)-(\\d+)@");
    private static final List<String> FLAGS = List.of("--per-connection");

    /** Per message (index into every array): when sent, accepted by the relay, seen at the sink. */
    private static long[] sent, accepted, arrived;

    private static CountDownLatch all;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String[] relay = o.getOrDefault("--relay", "127.0.0.1:2525").split(":");
        int sinkPort = Integer.parseInt(o.getOrDefault("--sink-port", "2526"));
        int n = Integer.parseInt(o.getOrDefault("-n", "2000"));
        int c = Integer.parseInt(o.getOrDefault("-c", "8"));
        double rate = Double.parseDouble(o.getOrDefault("--rate", "0")); // 0: as fast as accepted
        String label = o.getOrDefault("--label", "run");
        String from = o.getOrDefault("--from", "bench@bank.example");
        String to = o.getOrDefault("--to", "alice@customer.example");
        String template = o.containsKey("--message-file") ? Files.readString(Path.of(o.get("--message-file")))
                : "From: <" + from + ">\nTo: <" + to + ">\nSubject: bench\n\n" + "x".repeat(2000) + "\n";
        Target target = new Target(relay[0], Integer.parseInt(relay[1]), from, to, o.containsKey("--per-connection"),
                System.nanoTime() % 1_000_000);

        List<MessageClass> classes = new ArrayList<>();
        classes.add(new MessageClass(label, template, 0, n, c, rate));
        if (o.containsKey("--mix")) {
            String[] mix = o.get("--mix").split(":(?=[^:]*$)");
            double fraction = Double.parseDouble(mix[1]);
            double baseRate = Double.parseDouble(o.getOrDefault("--base-rate", Double.toString(rate)));
            if (baseRate <= 0) {
                throw new IllegalArgumentException("--mix needs --rate or --base-rate (the rate its fraction is of)");
            }
            String name = Path.of(mix[0]).getFileName().toString().replaceFirst("\\.[^.]*$", "");
            classes.add(new MessageClass(label + ":" + name, Files.readString(Path.of(mix[0])), n,
                    (int) Math.round(n * fraction), Integer.parseInt(o.getOrDefault("--mix-sessions", "4")),
                    fraction * baseRate));
        }
        int total = classes.stream().mapToInt(k -> k.count).sum();
        sent = new long[total];
        accepted = new long[total];
        arrived = new long[total];
        all = new CountDownLatch(total);

        SMTPServer sink = sink(sinkPort, target.run);
        sink.start();
        try {
            AtomicInteger failures = new AtomicInteger();
            List<ExecutorService> pools = new ArrayList<>();
            long start = System.nanoTime();
            for (MessageClass k : classes) {
                pools.add(k.start(target, start, failures));
            }
            awaitArrivals(pools, Long.parseLong(o.getOrDefault("--timeout", "600")));
            boolean complete = all.getCount() == 0;
            for (MessageClass k : classes) {
                k.report(start, target.perConnection, complete);
            }
        } finally {
            sink.stop();
        }
    }

    /** Where and as whom messages go; {@code run} tells this run's Message-IDs from a late earlier run's. */
    private record Target(String host, int port, String from, String to, boolean perConnection, long run) {}

    /** Messages first..first+count-1, all from one template, over their own sessions. */
    private static final class MessageClass {
        final String name;
        final String template;
        final int first;
        final int count;
        final int sessions;
        final double rate;
        final AtomicInteger refused = new AtomicInteger();

        MessageClass(String name, String template, int first, int count, int sessions, double rate) {
            this.name = name;
            this.template = template.replaceFirst("(?im)^Message-ID:.*\\r?\\n", "");
            this.first = first;
            this.count = count;
            this.sessions = sessions;
            this.rate = rate;
        }

        ExecutorService start(Target target, long start, AtomicInteger failures) {
            AtomicInteger next = new AtomicInteger();
            long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            for (int s = 0; s < sessions; s++) {
                pool.execute(() -> {
                    Session smtp = null;
                    try {
                        int j;
                        while ((j = next.getAndIncrement()) < count) {
                            long due = Long.MAX_VALUE;
                            if (intervalNanos > 0) { // open loop: message j is due at start + j/rate
                                due = start + j * intervalNanos;
                                long wait = due - System.nanoTime();
                                if (wait > 0) {
                                    TimeUnit.NANOSECONDS.sleep(wait);
                                }
                            }
                            int i = first + j;
                            String msg = template.replaceFirst("\\r?\\n\\r?\\n",
                                    "\nMessage-ID: <bench-" + target.run + "-" + i + "@bank.example>\n\n");
                            smtp = sendOne(target, smtp, i, msg, due);
                        }
                    } catch (Exception e) {
                        System.err.println(name + ": session failed: " + e);
                    } finally {
                        if (smtp != null) {
                            smtp.closeQuietly();
                        }
                    }
                });
            }
            pool.shutdown();
            return pool;
        }

        /**
         * Sends message i; returns the session to go on with (null after a per-connection message).
         * Open loop, a message sent late (every session of its class busy) counts from when it was due.
         */
        private Session sendOne(Target t, Session smtp, int i, String msg, long due) throws IOException {
            long beforeConnect = Math.min(due, System.nanoTime());
            if (smtp == null || smtp.closed()) {
                // a relay closes a connection after so many messages (421), as MTAs do: reconnect
                smtp = new Session(t.host, t.port);
            }
            sent[i] = t.perConnection ? beforeConnect : Math.min(due, System.nanoTime());
            boolean ok;
            try {
                ok = smtp.send(t.from, t.to, msg);
            } catch (RetryOnNewConnection closedByRelay) {
                smtp = new Session(t.host, t.port);
                sent[i] = Math.min(due, System.nanoTime());
                ok = smtp.send(t.from, t.to, msg);
            }
            if (ok) {
                accepted[i] = System.nanoTime();
            } else {
                refused.incrementAndGet();
                all.countDown();
            }
            if (t.perConnection) {
                smtp.closeQuietly();
                return null;
            }
            return smtp;
        }

        void report(long start, boolean perConnection, boolean complete) {
            long end = start;
            int delivered = 0;
            for (int i = first; i < first + count; i++) {
                if (arrived[i] > 0) {
                    delivered++;
                    end = Math.max(end, arrived[i]);
                }
            }
            double seconds = (end - start) / 1e9;
            System.out.printf("%-22s n=%d c=%d %s%s delivered=%d refused=%d%s  %.1f msg/s  accept p50/p99/max %s  "
                            + "end-to-end p50/p99/max %s%n", name, count, sessions,
                    rate > 0 ? String.format("rate=%.1f/s", rate) : "max-rate", perConnection ? " per-connection" : "",
                    delivered, refused.get(), complete ? "" : " (TIMED OUT)", delivered / seconds,
                    percentiles(accepted), percentiles(arrived));
        }

        private String percentiles(long[] to) {
            List<Double> ms = new ArrayList<>();
            for (int i = first; i < first + count; i++) {
                if (sent[i] > 0 && to[i] > 0) {
                    ms.add((to[i] - sent[i]) / 1e6);
                }
            }
            if (ms.isEmpty()) {
                return "-";
            }
            ms.sort(null);
            return String.format("%.1f/%.1f/%.1f ms", ms.get(ms.size() / 2), ms.get((int) Math.min(ms.size() - 1,
                    Math.ceil(ms.size() * 0.99) - 1)), ms.get(ms.size() - 1));
        }
    }

    /** The relay's next hop: notes when each of this run's messages arrives. */
    private static SMTPServer sink(int port, long run) {
        return SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.bench.invalid").messageHandlerFactory(ctx -> new MessageHandler() {
                    @Override public void from(String f) { }
                    @Override public void recipient(String r) { }
                    @Override public String data(InputStream data) throws IOException {
                        byte[] b = data.readAllBytes();
                        Matcher m = ID.matcher(new String(b, 0, Math.min(b.length, 16384), StandardCharsets.ISO_8859_1));
                        while (m.find()) {
                            if (Long.parseLong(m.group(1)) == run) {
                                int i = Integer.parseInt(m.group(2));
                                if (i < arrived.length && arrived[i] == 0) {
                                    arrived[i] = System.nanoTime();
                                    all.countDown();
                                }
                                break;
                            }
                        }
                        return null;
                    }
                    @Override public void done() { }
                }).build();
    }

    /**
     * Done when every message arrived (or was refused); given up after the timeout, or when the
     * sessions are over and nothing has arrived for 30 s (a failed session leaves messages that never come).
     */
    private static void awaitArrivals(List<ExecutorService> pools, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long lastCount = all.getCount();
        long lastChange = System.nanoTime();
        while (all.getCount() > 0 && System.nanoTime() < deadline) {
            all.await(1, TimeUnit.SECONDS);
            if (all.getCount() != lastCount) {
                lastCount = all.getCount();
                lastChange = System.nanoTime();
            } else if (pools.stream().allMatch(ExecutorService::isTerminated)
                    && System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(30)) {
                break;
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (FLAGS.contains(args[i])) {
                o.put(args[i], "true");
            } else if (i + 1 < args.length) {
                o.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("no value for " + args[i]);
            }
        }
        return o;
    }

    /** The relay closed the connection before the message was accepted: send it again on a new one. */
    private static final class RetryOnNewConnection extends IOException {
        RetryOnNewConnection() {
            super("connection closed by the relay");
        }
    }

    /** One SMTP connection: kept open across messages like an MTA's, or used once (--per-connection). */
    private static final class Session implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private boolean closed;
        private String lastReply = "";

        Session(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
            expect(reply(), '2');
            command("EHLO bench.invalid");
        }

        boolean closed() {
            return closed;
        }

        /** False when refused; a 421 (closing) marks the session closed and is not counted as a refusal. */
        boolean send(String from, String to, String message) throws IOException {
            char mail = command("MAIL FROM:<" + from + ">");
            if (mail == '4' && lastReply.startsWith("421")) {
                closed = true;
                socket.close();
                throw new RetryOnNewConnection();
            }
            if (mail != '2' || command("RCPT TO:<" + to + ">") != '2' || command("DATA") != '3') {
                command("RSET");
                return false;
            }
            StringBuilder b = new StringBuilder(message.length() + message.length() / 30 + 8);
            for (String line : message.split("\r?\n", -1)) {
                b.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            }
            out.write(b.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return reply().charAt(0) == '2';
        }

        private char command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return reply().charAt(0);
        }

        private String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    closed = true;
                    throw new RetryOnNewConnection();
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            lastReply = line;
            return line;
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException e) {
                // gone already
            }
        }

        private static void expect(String reply, char c) throws IOException {
            if (reply.charAt(0) != c) {
                throw new IOException("unexpected " + reply);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                if (!closed) {
                    closed = true;
                    command("QUIT");
                }
            } finally {
                socket.close();
            }
        }
    }
}
